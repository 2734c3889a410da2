"""Okta's LogEvent JSON (the System Log, `GET /api/v1/logs`) built from the recorded sign-in events.

A successful sign-in that proved a second factor also yields a `user.authentication.auth_via_mfa`
SUCCESS event just before its `user.session.start` (Okta logs both).

ASSUMPTION: severities (INFO for successes, WARN for failures and lockouts), legacy event types, and the
credential types per method follow Okta's published examples; geographical and security context are
null (nothing local knows them).
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

from mockfinra.clock import isoformat_z
from mockfinra.identity.core.events import LOCK, MFA, SESSION_START, method_names
from mockfinra.store.events import SignInEvent

NAMESPACE = uuid.UUID("6f1c2c1e-7a4f-5b8e-9d3c-6d6f636b6669")
DISPLAY = {
    SESSION_START: "User login to Okta",
    MFA: "Authentication of user via MFA",
    LOCK: "Max sign in attempts exceeded",
}
LEGACY = {
    (SESSION_START, "SUCCESS"): "core.user_auth.login_success",
    (SESSION_START, "FAILURE"): "core.user_auth.login_failed",
    (MFA, "SUCCESS"): "core.user.factor.attempt_success",
    (MFA, "FAILURE"): "core.user.factor.attempt_fail",
    (LOCK, "FAILURE"): "core.user_auth.account_locked",
}
CREDENTIAL_TYPES = {"pwd": "PASSWORD", "otp": "OTP", "sms": "SMS", "tel": "VOICE", "email": "EMAIL"}
SECOND_FACTORS = ("kba", "otp", "sms", "tel", "swk", "email")


def _user_agent(raw: str | None) -> dict[str, Any]:
    text = raw or ""
    lower = text.lower()
    browser = next(
        (name for key, name in (("edg/", "EDGE"), ("firefox", "FIREFOX"), ("chrome", "CHROME"), ("safari", "SAFARI"))
         if key in lower),
        "UNKNOWN",
    )
    os_name = next(
        (name for key, name in (("windows", "Windows"), ("mac os x", "Mac OS X"), ("android", "Android"),
                                ("iphone", "iOS"), ("linux", "Linux")) if key in lower),
        "Unknown",
    )
    return {"rawUserAgent": raw, "os": os_name, "browser": browser}


def _ip_version(ip: str | None) -> str | None:
    try:
        return f"V{ipaddress.ip_address(ip or '').version}"
    except ValueError:
        return None


def _actor(event: SignInEvent) -> dict[str, Any]:
    if event.user_id is None:
        return {"id": "unknown", "type": "User", "alternateId": event.login or "unknown", "displayName": "unknown",
                "detailEntry": None}
    return {"id": event.user_id, "type": "User", "alternateId": event.login,
            "displayName": event.display_name or event.login, "detailEntry": None}


def expand(event: SignInEvent) -> list[tuple[str, str, str]]:
    """The LogEvents one sign-in event stands for: `(uuid, eventType, result)`, oldest first."""
    own = (str(uuid.uuid5(NAMESPACE, event.id)), event.event_type, event.result)
    proved_second = any(method in SECOND_FACTORS for method in event.methods or [])
    if event.event_type == SESSION_START and event.result == "SUCCESS" and proved_second:
        return [(str(uuid.uuid5(NAMESPACE, event.id + ":mfa")), MFA, "SUCCESS"), own]
    return [own]


def log_event(event: SignInEvent, event_uuid: str, event_type: str, result: str) -> dict[str, Any]:
    methods = [m for m in (event.methods or []) if event_type != MFA or m != "pwd"]
    credential = next((CREDENTIAL_TYPES[m] for m in reversed(methods) if m in CREDENTIAL_TYPES), None)
    actor = _actor(event)
    target = [] if event.user_id is None else [dict(actor)]
    transaction_id = event.id[-20:]
    return {
        "uuid": event_uuid,
        "published": isoformat_z(event.at),
        "eventType": event_type,
        "version": "0",
        "severity": "INFO" if result == "SUCCESS" else "WARN",
        "legacyEventType": LEGACY.get((event_type, result)),
        "displayMessage": DISPLAY.get(event_type, event_type),
        "actor": actor,
        "client": {
            "userAgent": _user_agent(event.user_agent),
            "zone": "null",
            "device": "Unknown" if not event.user_agent else "Computer",
            "id": None,
            "ipAddress": event.ip,
            "geographicalContext": None,
        },
        "device": None,
        "authenticationContext": {
            "authenticationProvider": "FACTOR_PROVIDER" if event_type == MFA else "OKTA_AUTHENTICATION_PROVIDER",
            "credentialProvider": "OKTA_CREDENTIAL_PROVIDER" if credential else None,
            "credentialType": credential,
            "issuer": None,
            "interface": None,
            "authenticationStep": 0,
            "externalSessionId": f"trs{transaction_id}",
        },
        "outcome": {"result": result, "reason": None if result == "SUCCESS" else event.reason},
        "securityContext": {"asNumber": None, "asOrg": None, "isp": None, "domain": None, "isProxy": None},
        "debugContext": {"debugData": {"protocol": event.protocol, "methods": method_names(methods)}},
        "transaction": {"type": "WEB", "id": transaction_id, "detail": {}},
        "request": {"ipChain": [
            {"ip": event.ip, "geographicalContext": None, "version": _ip_version(event.ip), "source": None}
        ] if event.ip else []},
        "target": target,
    }


def log_events(events: list[SignInEvent]) -> list[dict[str, Any]]:
    """Every LogEvent of the given sign-in events, oldest first."""
    out = []
    for event in events:
        for event_uuid, event_type, result in expand(event):
            out.append(log_event(event, event_uuid, event_type, result))
    return out
