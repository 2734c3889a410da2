"""Sign-in events: what happened at each sign-in (success, a wrong password or factor, a lockout), for the
user's "recent activity" and Okta's System Log. Plain Python over the store and the mock clock.

Who is calling (address, user agent) comes from the transaction: each wire format puts `client` in its data
when the sign-in starts (`client_data`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.security import new_id
from mockfinra.store.authn import Transaction
from mockfinra.store.events import SignInEvent
from mockfinra.store.users import User

SESSION_START = "user.session.start"
MFA = "user.authentication.auth_via_mfa"
LOCK = "user.account.lock"
#: what each proven method is called on the account page and in the log
METHOD_NAMES = {
    "pwd": "password",
    "kba": "security question",
    "otp": "authenticator code",
    "sms": "SMS",
    "tel": "voice call",
    "swk": "Okta Verify push",
    "email": "email",
}


def client_data(ip: str | None, user_agent: str | None) -> dict[str, Any]:
    """The `client` entry a transaction's data carries for its events."""
    return {"ip": ip, "userAgent": user_agent}


def record(
    ctx: Context,
    db: Session,
    user: User | None,
    event_type: str,
    result: str,
    *,
    txn: Transaction | None = None,
    login: str | None = None,
    reason: str | None = None,
    methods: list[str] | None = None,
    client: dict[str, Any] | None = None,
    protocol: str | None = None,
) -> None:
    data = txn.data if txn is not None else {}
    caller = client or (data.get("client") if isinstance(data.get("client"), dict) else {}) or {}
    seq = (db.scalar(select(func.max(SignInEvent.seq))) or 0) + 1
    name = f"{user.first_name} {user.last_name}".strip() if user is not None else ""
    db.add(
        SignInEvent(
            id=new_id("pub", 20),
            seq=seq,
            user_id=user.id if user is not None else None,
            login=user.login if user is not None else (login or ""),
            display_name=name,
            event_type=event_type,
            result=result,
            reason=reason,
            methods=[m for m in (methods if methods is not None else list(txn.amr) if txn else []) if m != "mfa"],
            protocol=protocol or str(data.get("protocol", "classic")),
            ip=caller.get("ip"),
            user_agent=caller.get("userAgent"),
            at=ctx.clock.now(),
        )
    )


def method_names(methods: list[str]) -> str:
    return ", ".join(METHOD_NAMES.get(m, m) for m in methods) or "none"
