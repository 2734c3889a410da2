"""Identity Engine interactions: an OAuth client's `v1/interact` request, found by its interaction handle.

The sign-in itself is an authn transaction (store/authn.py) whose state token is the IDX `stateHandle`; the
interaction keeps what the token exchange at the end checks (client, redirect URI, PKCE challenge, scopes).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mockfinra.security import digest
from mockfinra.store.base import Base, JsonList, UTCDateTime, locked


class Interaction(Base):
    __tablename__ = "idx_interactions"
    __state_key__ = "interactions"
    __state_exclude__ = ("handle_digest", "code_challenge")

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    handle_digest: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list[str]] = mapped_column(JsonList, default=list)
    code_challenge: Mapped[str] = mapped_column(String(128))
    state: Mapped[str | None] = mapped_column(Text, nullable=True)
    nonce: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: an invitation's activation token or an emailed recovery token the sign-in starts from
    activation_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    recovery_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the authn transaction (IDX state handle) of this interaction, once introspected
    transaction_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def find_interaction(db: Session, handle: str) -> Interaction | None:
    return db.scalar(locked(select(Interaction).where(Interaction.handle_digest == digest(handle))))
