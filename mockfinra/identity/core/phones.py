"""Phone numbers and the one-time codes sent to them (SMS and voice factors, SMS/CALL recovery).

Numbers are parsed with phonenumbers (imported lazily: start-up time is measured), kept in E.164 and shown
masked as Okta does (`+1 XXX-XXX-1337`). A sent code is kept only as a digest, with its expiry and the time
it was sent (for the resend throttle), in a plain dict the caller stores (a factor's or a transaction's
`data`). Every time is mock time.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from mockfinra.clock import isoformat_z, parse_instant
from mockfinra.errors import OktaError
from mockfinra.security import digest

if TYPE_CHECKING:
    from mockfinra.context import Context

CODE_DIGITS = 6
MAX_EXTENSION = 10
INVALID_NUMBER = "Invalid Phone Number. Give it in international form, for example +1 555-415-1337."
#: where a sent code is kept in the caller's dict
OTP_KEY = "otp"
#: the outbox channel and the throttle error per way of sending
CHANNEL = {"sms": "sms", "call": "voice"}
THROTTLE_ERROR = {"sms": "E0000109", "call": "E0000133"}


class PhoneNumberError(ValueError):
    """The text is not an acceptable phone number (the message says why)."""


@dataclass(frozen=True)
class PhoneNumber:
    e164: str
    international: str
    extension: str | None = None


def parse_phone(raw: Any, *, check: str = "possible", region: str | None = None) -> PhoneNumber:
    """Parse and normalise a number given in international form (`+1-555-415-1337`).

    `check="possible"` accepts any number of a plausible length for its country, so the fictional
    555 numbers of Okta's documentation work (ASSUMPTION: a test tool should accept them);
    `check="valid"` also needs an assigned number range. A number without its country code is refused
    unless `region` names the country it is in (settings.phone_default_region).
    """
    import phonenumbers

    if not isinstance(raw, str) or not raw.strip():
        raise PhoneNumberError(INVALID_NUMBER)
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        raise PhoneNumberError(INVALID_NUMBER) from None
    ok = phonenumbers.is_valid_number(number) if check == "valid" else phonenumbers.is_possible_number(number)
    if not ok:
        raise PhoneNumberError(INVALID_NUMBER)
    extension = number.extension or None
    number.extension = None
    return PhoneNumber(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        international=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        extension=extension,
    )


def parse_extension(raw: Any) -> str | None:
    """A call factor's `phoneExtension`: up to 10 digits, or None when not given."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_EXTENSION:
        raise PhoneNumberError(f"phoneExtension must be 1 to {MAX_EXTENSION} digits.")
    return text


def settings_parse(ctx: Context, raw: Any) -> PhoneNumber:
    return parse_phone(raw, check=ctx.settings.phone_number_check, region=ctx.settings.phone_default_region)


def mask_phone(e164: str) -> str:
    """Okta's masked form: every digit of the national number but the last four becomes X
    (`+15554151337` → `+1 XXX-XXX-1337`, `+442079460958` → `+44 XX XXXX 0958`)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        prefix = f"+{number.country_code}"
    except phonenumbers.NumberParseException:
        text, prefix = e164, ""
    if not text.startswith(prefix):
        prefix = ""
    rest = text[len(prefix) :]
    keep = 4
    out = []
    for char in reversed(rest):
        if char.isdigit():
            out.append(char if keep > 0 else "X")
            keep -= 1
        else:
            out.append(char)
    return prefix + "".join(reversed(out))


def display(e164: str) -> str:
    """A number for people to read (`+1 555-415-1337`)."""
    try:
        return parse_phone(e164).international
    except PhoneNumberError:
        return e164


# --- one-time codes ---------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def _code_digest(code: str, salt: str) -> str:
    return digest(f"{salt}:{code}")


def store_code(ctx: Context, data: dict[str, Any], code: str, purpose: str) -> None:
    """Keep a freshly sent code in `data` (digest, expiry, sent time). Replaces the previous one."""
    now = ctx.clock.now()
    salt = secrets.token_hex(8)
    data[OTP_KEY] = {
        "digest": _code_digest(code, salt),
        "salt": salt,
        "purpose": purpose,
        "sentAt": isoformat_z(now),
        "expiresAt": isoformat_z(now + timedelta(seconds=ctx.settings.otp_ttl_seconds)),
    }


def last_sent(data: dict[str, Any]) -> datetime | None:
    otp = data.get(OTP_KEY)
    return parse_instant(otp["sentAt"]) if isinstance(otp, dict) and otp.get("sentAt") else None


def check_throttle(ctx: Context, data: dict[str, Any], kind: str) -> None:
    """429 E0000109 (SMS) / E0000133 (call) when a code went out less than the throttle ago."""
    sent = last_sent(data)
    window = ctx.settings.resend_throttle_seconds
    if sent is not None and window > 0 and ctx.clock.now() < sent + timedelta(seconds=window):
        retry = max(1, int((sent + timedelta(seconds=window) - ctx.clock.now()).total_seconds() + 0.999))
        raise OktaError(THROTTLE_ERROR[kind], headers={"Retry-After": str(retry)})


def code_matches(ctx: Context, data: dict[str, Any], passcode: str | None, purpose: str) -> bool:
    """True when `passcode` is the live code sent for `purpose`; a matching code is used up."""
    otp = data.get(OTP_KEY)
    code = (passcode or "").strip()
    if not isinstance(otp, dict) or otp.get("purpose") != purpose or not otp.get("digest"):
        return False
    if len(code) != CODE_DIGITS or not code.isdigit():
        return False
    if ctx.clock.now() >= parse_instant(otp["expiresAt"]):
        return False
    if not hmac.compare_digest(_code_digest(code, otp.get("salt", "")), otp["digest"]):
        return False
    # Used up, but the sent time stays for the resend throttle.
    data[OTP_KEY] = {"purpose": purpose, "sentAt": otp["sentAt"], "used": True}
    return True


def forget_code(data: dict[str, Any]) -> None:
    """Drop a pending code (the challenge was left) but remember when it was sent (throttle)."""
    otp = data.get(OTP_KEY)
    if isinstance(otp, dict):
        data[OTP_KEY] = {"purpose": otp.get("purpose"), "sentAt": otp.get("sentAt"), "used": True}


# --- the messages ---------------------------------------------------------------------------------


def sms_text(code: str) -> str:
    return f"Your NASDAQ MFA verification code is {code}"


def voice_text(code: str) -> str:
    """What the call says: the digits one by one, twice, as voice OTP services read them."""
    spoken = ", ".join(code)
    return f"Hello. Your verification code is {spoken}. Again: your verification code is {spoken}. Goodbye."


def send_code(
    ctx: Context,
    db: Session,
    kind: str,
    to: str,
    code: str,
    *,
    extension: str | None = None,
    meta: dict[str, Any] | None = None,
    rehearsal: bool = False,
) -> None:
    """Capture the SMS or voice call carrying `code` in the outbox (`code` holds the digits for both). A
    `rehearsal` costs the same and keeps nothing (`messages.record`)."""
    from mockfinra.outbox.messages import record

    details = dict(meta or {})
    if extension:
        details["extension"] = extension
    body = sms_text(code) if kind == "sms" else voice_text(code)
    record(
        db, ctx.clock, ctx.outbox, channel=CHANNEL[kind], to=to, body=body, code=code, meta=details,
        rehearsal=rehearsal,
    )
