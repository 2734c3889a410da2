"""Users and their enrolled factors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, joinedload, lazyload, mapped_column, relationship

from mockfinra.store.base import Base, JsonDict, JsonList, UTCDateTime, get_locked, locked

USER_STATUSES = ("STAGED", "PROVISIONED", "ACTIVE", "RECOVERY", "LOCKED_OUT", "PASSWORD_EXPIRED", "SUSPENDED", "DEPROVISIONED")
ENTITLEMENTS = ("TRACE", "ADF", "ORF", "TRF")


class User(Base):
    __tablename__ = "users"
    __state_key__ = "users"
    __state_exclude__ = ("password_hash", "recovery_answer_hash", "activation_token_digest")

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    login: Mapped[str] = mapped_column(String(255))
    #: lower-cased login: Okta logins are case-insensitive
    login_key: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    email: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    mobile_phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    entitlements: Mapped[list[str]] = mapped_column(JsonList, default=list)
    #: any further profile attributes (locale, timeZone, custom ones)
    profile_extra: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)

    password_hash: Mapped[str | None] = mapped_column(Text, nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: the recovery ("forgot password") question: free text, not one of the 20 factor questions
    recovery_question: Mapped[str | None] = mapped_column(Text, nullable=True)
    recovery_answer_hash: Mapped[str | None] = mapped_column(Text, nullable=True)

    failed_password_attempts: Mapped[int] = mapped_column(Integer, default=0)
    failed_factor_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    activation_token_digest: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    activation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    factors: Mapped[list["Factor"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Factor.created_at", lazy="selectin"
    )


class Factor(Base):
    """An enrolled (or enrolling) second factor.

    `profile` is the public Okta factor profile (question key and text, phone number, credentialId,
    device details). `secret` is a TOTP factor's base32 shared secret; `answer_hash` a question's hashed
    answer. `data` holds per-type working state (a sent OTP's digest and times, activation details).
    """

    __tablename__ = "factors"
    __state_key__ = "factors"
    __state_exclude__ = ("secret", "answer_hash")

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    factor_type: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(20))
    #: PENDING_ACTIVATION | ACTIVE | INACTIVE
    status: Mapped[str] = mapped_column(String(24))
    profile: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    secret: Mapped[str | None] = mapped_column(String(128), nullable=True)
    answer_hash: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: last TOTP time step accepted, to refuse a code replayed in its step; 64-bit, since steps pass 2**31
    #: after the year 4010 (a clock set far ahead); SQLite's INTEGER is 64-bit already
    last_totp_step: Mapped[int | None] = mapped_column(Integer().with_variant(BigInteger(), "postgresql"), nullable=True)
    push_policy: Mapped[str | None] = mapped_column(String(16), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(back_populates="factors")


def normalise_login(login: str) -> str:
    return login.strip().lower()


def get_user(db: Session, user_id: str) -> User | None:
    """The user, row-locked (see `locked`): lockout counters, TOTP steps and factor state change once."""
    return get_locked(db, User, user_id)


def find_user_by_login(db: Session, login: str, factors: bool = True) -> User | None:
    """The user (locked) with the factors in the same statement (one round trip, whether or not the user
    exists, so an unknown user costs what a known one does); `factors=False` leaves them to load when first
    used. Only the user's row is locked (PostgreSQL refuses FOR UPDATE on an outer join's nullable side)."""
    where = User.login_key == normalise_login(login)
    if not factors:
        return db.scalar(locked(select(User).where(where)).options(lazyload(User.factors)))
    query = locked(select(User).where(where).options(joinedload(User.factors)), of=User)
    return db.scalars(query).unique().first()


def find_user(db: Session, id_or_login: str) -> User | None:
    """By id, else by login (Okta's `GET /api/v1/users/{idOrLogin}`)."""
    return get_user(db, id_or_login) or find_user_by_login(db, id_or_login)


def get_factor(db: Session, user_id: str, factor_id: str) -> Factor | None:
    factor = get_locked(db, Factor, factor_id)
    if factor is None or factor.user_id != user_id:
        return None
    return factor
