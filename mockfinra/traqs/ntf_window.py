"""The free NTF testing window (plain Python over the store and the clock).

FINRA: a firm tests free in NTF for 30 calendar days after notifying the NASDAQ test team. The window
starts when someone notifies (the TRAQS home page, or `POST /_mock/ntf-window`); "day N of 30" counts
calendar days on the mock clock; from day 31 NTF fees apply.

ASSUMPTION: the window belongs to the firm (a user's `organization` profile attribute), so every user of
the firm sees the same day; a user without a firm has a window of their own. Days are calendar days in
US Eastern time (FINRA's business time zone), day 1 being the day of the notification. Notifying again
keeps the window that runs (it does not restart the free period); the control plane can restart or
remove it. Not in the free period does not mean not notified: a firm that never notified has no window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from mockfinra.clock import isoformat_z
from mockfinra.context import Context
from mockfinra.errors import ClientError
from mockfinra.store.ntf import NtfWindow, all_windows
from mockfinra.store.users import User, find_user_by_login
from mockfinra.traqs.profile import firm_key, firm_of, key_of_firm

EASTERN = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class WindowView:
    scope: str
    name: str
    notified_by: str
    started_at: datetime
    ends_at: datetime
    day: int
    days: int

    @property
    def ended(self) -> bool:
        return self.day > self.days

    @property
    def banner(self) -> str:
        if self.ended:
            return "The free NTF testing period has ended; NTF fees apply."
        return f"Free NTF testing: day {self.day} of {self.days}"

    @property
    def whose(self) -> str:
        return f"firm {self.name}" if self.scope == "firm" else self.name

    def json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "firm": self.name if self.scope == "firm" else None,
            "login": self.name if self.scope == "user" else None,
            "notifiedBy": self.notified_by,
            "startedAt": isoformat_z(self.started_at),
            "endsAt": isoformat_z(self.ends_at),
            "day": self.day,
            "days": self.days,
            "status": "ended" if self.ended else "free",
            "banner": self.banner,
        }


def view(ctx: Context, window: NtfWindow) -> WindowView:
    days = ctx.settings.ntf_window_days
    first = window.started_at.astimezone(EASTERN).date()
    today = ctx.clock.now().astimezone(EASTERN).date()
    ends = datetime.combine(first + timedelta(days=days), time(0), tzinfo=EASTERN)
    return WindowView(
        scope=window.scope,
        name=window.name,
        notified_by=window.notified_by,
        started_at=window.started_at,
        ends_at=ends.astimezone(timezone.utc),
        day=max(1, (today - first).days + 1),
        days=days,
    )


def window_of(db: Session, user: User) -> NtfWindow | None:
    return db.get(NtfWindow, firm_key(user))


def view_of(ctx: Context, db: Session, user: User) -> WindowView | None:
    window = window_of(db, user)
    return view(ctx, window) if window else None


def notify_test_team(ctx: Context, db: Session, user: User) -> tuple[NtfWindow, bool]:
    """The user notifies the NASDAQ test team: their firm's window starts, unless one runs already.
    Returns the window and whether it started now."""
    window = window_of(db, user)
    if window is not None:
        return window, False
    return start_window(ctx, db, user=user), True


def start_window(
    ctx: Context, db: Session, *, user: User | None = None, firm: str | None = None, started_at: datetime | None = None,
    notified_by: str | None = None,
) -> NtfWindow:
    """(Re)start the window of a user's firm (or of the user without a firm), or of a firm by name.
    `notified_by` defaults to the user's login, else "control plane"."""
    if user is not None:
        key, name = firm_key(user), firm_of(user)
        scope = "firm" if name else "user"
        name = name or user.login
    elif firm is not None and firm.strip():
        key, name, scope = key_of_firm(firm), " ".join(firm.split()), "firm"
    else:
        raise ClientError(400, "Name a firm or a user's login.")
    window = db.get(NtfWindow, key)
    if window is None:
        window = NtfWindow(key=key, scope=scope, name=name)
        db.add(window)
    window.notified_by = notified_by or (user.login if user is not None else "control plane")
    window.started_at = started_at or ctx.clock.now()
    db.flush()
    return window


def find_window(db: Session, *, firm: str | None = None, login: str | None = None) -> NtfWindow | None:
    """A firm's window, or the window a user's login falls under; 404 for an unknown login."""
    if login is not None:
        return window_of(db, known_user(db, login))
    if firm is not None and firm.strip():
        return db.get(NtfWindow, key_of_firm(firm))
    raise ClientError(400, "Name a firm (firm=...) or a user (login=...).")


def known_user(db: Session, login: str) -> User:
    user = find_user_by_login(db, login)
    if user is None:
        raise ClientError(404, f"No user with login '{login}'.", "not_found")
    return user


def views(ctx: Context, db: Session) -> list[WindowView]:
    return [view(ctx, window) for window in all_windows(db)]


def banner_for(ctx: Context, db: Session, user: User | None) -> dict[str, Any] | None:
    """What the page banner shows for a signed-in user (None: no window)."""
    found = view_of(ctx, db, user) if user is not None else None
    if found is None:
        return None
    return {"text": found.banner, "ended": found.ended, "whose": found.whose, "day": found.day, "days": found.days}


def check_download(ctx: Context, db: Session, login: str) -> None:
    """With `ntf_window_enforce`: refuse the download hosts once the caller's free window has ended.

    ASSUMPTION: FINRA's actual behaviour after the free period (billing, not refusal) is not public; the
    refusal (403, plain text) lets clients test that path. A firm that never notified is not refused.
    """
    user = find_user_by_login(db, login)
    found = view_of(ctx, db, user) if user is not None else None
    if found is None or not found.ended:
        return
    last_day = (found.ends_at.astimezone(EASTERN) - timedelta(days=1)).date().isoformat()
    raise ClientError(
        403,
        f"The free NTF testing period of {found.whose} has ended (day {found.days} of {found.days} was {last_day}); "
        "NTF fees apply and this mock refuses downloads after the free period (MOCKFINRA_NTF_WINDOW_ENFORCE). "
        "Restart the window with POST /_mock/ntf-window or turn the setting off.",
        "ntf_window_ended",
    )
