"""CSRF tokens of the session-backed HTML forms (TRAQS, the MFA account page): an HMAC of the session id with
a per-store key (a reset changes the key, so every form of before is refused)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from mockfinra.errors import ClientError
from mockfinra.security import constant_time_equals
from mockfinra.store.meta import get_meta, set_meta

CSRF_KEY = "traqs.csrf_key"


def csrf_token(db: Session, session_id: str) -> str:
    key = get_meta(db, CSRF_KEY)
    if key is None:
        key = secrets.token_hex(32)
        set_meta(db, CSRF_KEY, key)
    return hmac.new(key.encode(), session_id.encode(), hashlib.sha256).hexdigest()


def check_csrf(db: Session, session_id: str, presented: str | None) -> None:
    if not presented or not constant_time_equals(presented, csrf_token(db, session_id)):
        raise ClientError(
            403,
            "The form has expired or did not come from this site (CSRF check failed). Reload the page and try again.",
            "csrf",
        )
