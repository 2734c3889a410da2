"""Secrets out of what the journal keeps: passwords, answers, passcodes, tokens, client secrets, codes,
the Authorization and Cookie headers. A masked value becomes `MASK`; the key stays, so the shape is seen.

Pages (HTML) are not kept at all: some show a secret once (a new refresh token on TRAQS API access).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

MASK = "***"
#: keys whose values are secrets (case-insensitive; `code`, `interaction_code`, `*_token`, `passCode`, ...)
SECRET_KEY = re.compile(
    r"(pass(word|code)?|answer|secret|token|verifier|assertion|cookie|authorization|credential|"
    r"(^|_)code$|^otp$|activationurl|recoveryurl|sharedsecret)",
    re.IGNORECASE,
)
SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "x-mock-token"}
#: in JSON text cut at the size limit (no longer parseable): `"key": "value"` pairs of secret keys
JSON_PAIR = re.compile(r'"(?P<key>[^"\\]{1,80})"\s*:\s*"(?:[^"\\]|\\.)*("|$)')


def is_secret(key: str) -> bool:
    return bool(SECRET_KEY.search(key))


def mask_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (MASK if is_secret(str(k)) and not isinstance(v, (dict, list)) else mask_json(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(item) for item in value]
    return value


def mask_form(text: str) -> str:
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode([(k, MASK if is_secret(k) else v) for k, v in pairs])


def mask_header(name: str, value: str) -> str:
    lower = name.lower()
    if lower in SECRET_HEADERS:
        scheme, _, rest = value.partition(" ")
        return f"{scheme} {MASK}" if rest and lower.endswith("authorization") else MASK
    if lower == "set-cookie":
        cookie, _, attributes = value.partition(";")
        name_part = cookie.partition("=")[0]
        return f"{name_part}={MASK}" + (f";{attributes}" if attributes else "")
    return value


def mask_headers(headers: list[tuple[str, str]]) -> list[list[str]]:
    return [[name, mask_header(name, value)] for name, value in headers]


def _mask_json_text(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if not is_secret(match["key"]):
            return match.group(0)
        return f'"{match["key"]}":"{MASK}"'

    return JSON_PAIR.sub(replace, text)


def body_text(media: str, body: bytes, complete: bool) -> str | None:
    """The body as kept: masked text (lone surrogates replaced, so it can be stored), or None for pages and
    binary bodies."""
    text = _body_text(media, body, complete)
    return None if text is None else text.encode("utf-8", "replace").decode("utf-8")


def _body_text(media: str, body: bytes, complete: bool) -> str | None:
    if not body:
        return ""
    if media == "text/html" or not _textual(media):
        return None
    text = body.decode("utf-8", "replace")
    if media == "application/json" or media.endswith("+json"):
        if complete:
            try:
                return json.dumps(mask_json(json.loads(text)), ensure_ascii=False, separators=(",", ":"))
            except (ValueError, RecursionError):
                pass
        return _mask_json_text(text)
    if media == "application/x-www-form-urlencoded":
        return mask_form(text)
    return text


def _textual(media: str) -> bool:
    return (
        media.startswith("text/")
        or media in ("application/json", "application/x-www-form-urlencoded", "application/xml", "")
        or media.endswith(("+json", "+xml"))
    )
