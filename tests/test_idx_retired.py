"""Era 2026 on the Identity Engine: a user who still has a retired SMS or voice factor is told why it is not
offered (an INFO message on the list of security methods), in sign-in and in enrollment."""

from __future__ import annotations

from mockfinra.eras import RETIRED_MESSAGE
from tests.authn_support import QUESTION, app_client, make_user
from tests.idx_support import signed_in_with_password

SMS = {"factorType": "sms", "phoneNumber": "+1 202-555-0101"}


def _notes(idx: object) -> list[tuple[str, str]]:
    body = idx.body  # type: ignore[attr-defined]
    return [(m["message"], m["class"]) for m in body.get("messages", {}).get("value", [])]


def test_a_retired_phone_is_explained_where_it_is_left_out() -> None:
    with app_client(era="2026") as client:
        with_question = signed_in_with_password(client, make_user(client, [QUESTION, SMS])["user"]["login"])
        assert with_question.names() == ["select-authenticator-authenticate"]
        assert _notes(with_question) == [(RETIRED_MESSAGE, "INFO")]
        only_sms = signed_in_with_password(client, make_user(client, [SMS])["user"]["login"])
        assert only_sms.names()[0] == "select-authenticator-enroll"
        assert _notes(only_sms) == [(RETIRED_MESSAGE, "INFO")]


def test_no_note_where_nothing_is_retired() -> None:
    with app_client(era="2024") as client:
        idx = signed_in_with_password(client, make_user(client, [QUESTION, SMS])["user"]["login"])
        assert _notes(idx) == []
    with app_client(era="2026") as client:
        idx = signed_in_with_password(client, make_user(client, [QUESTION])["user"]["login"])
        assert _notes(idx) == []
