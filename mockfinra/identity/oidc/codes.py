"""Authorization codes (single use, `auth_code_ttl_seconds`) and PKCE (RFC 7636, S256 only)."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.security import constant_time_equals, digest, new_id, new_token
from mockfinra.store.idx import Interaction
from mockfinra.store.oauth import AuthorizationCode
from mockfinra.store.users import User

#: the id prefixes of authorization codes (`v1/authorize`) and interaction codes (Identity Engine sign-ins)
CODE_PREFIX = "oac"
INTERACTION_CODE_PREFIX = "oic"
#: RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]
PKCE_VALUE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def pkce_matches(verifier: str, challenge: str) -> bool:
    if not PKCE_VALUE.match(verifier or ""):
        return False
    return constant_time_equals(s256(verifier), challenge)


def issue_code(
    ctx: Context,
    db: Session,
    user: User,
    *,
    client_id: str,
    redirect_uri: str,
    scopes: Iterable[str],
    nonce: str | None,
    code_challenge: str | None,
    session_id: str | None,
    amr: Iterable[str],
    auth_time: datetime,
    id_prefix: str = CODE_PREFIX,
) -> str:
    """A single-use code; `id_prefix` says which grant redeems it (`oac`: authorization_code, `oic`:
    interaction_code)."""
    code = new_token(nbytes=24)
    now = ctx.clock.now()
    db.add(
        AuthorizationCode(
            id=new_id(id_prefix),
            digest=digest(code),
            client_id=client_id,
            user_id=user.id,
            redirect_uri=redirect_uri,
            scopes=list(scopes),
            nonce=nonce,
            code_challenge=code_challenge,
            code_challenge_method="S256" if code_challenge else None,
            session_id=session_id,
            amr=list(dict.fromkeys(amr)),
            auth_time=auth_time,
            created_at=now,
            expires_at=now + timedelta(seconds=ctx.settings.auth_code_ttl_seconds),
        )
    )
    return code


def issue_interaction_code(
    ctx: Context, db: Session, interaction_id: str, user: User, amr: list[str]
) -> tuple[str, datetime]:
    """The interaction code of a finished sign-in (single use, `auth_code_ttl_seconds`, PKCE-bound)."""
    interaction = db.get(Interaction, interaction_id)
    if interaction is None:
        raise LookupError(f"interaction {interaction_id} is gone")
    now = ctx.clock.now()
    code = issue_code(
        ctx,
        db,
        user,
        client_id=interaction.client_id,
        redirect_uri=interaction.redirect_uri,
        scopes=list(interaction.scopes),
        nonce=interaction.nonce,
        code_challenge=interaction.code_challenge,
        session_id=None,
        amr=amr,
        auth_time=now,
        id_prefix=INTERACTION_CODE_PREFIX,
    )
    interaction.expires_at = now  # one sign-in per interaction
    return code, now + timedelta(seconds=ctx.settings.auth_code_ttl_seconds)
