"""The Ion wire format of IDX responses: fields, forms (remediations and actions), and the envelope.

Shapes follow Okta's captured IDX responses (see ../shared/reference/okta-idx.md): every form is
`{rel, name, href, method, accepts, produces, value: [fields]}` with the immutable `stateHandle` field last;
objects other than forms are wrapped as `{"type": "object", "value": ...}` or `{"type": "array", ...}`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from mockfinra.clock import isoformat_z
from mockfinra.links import Links

VERSION = "1.0.0"
ION = "application/ion+json; okta-version=1.0.0"
ACCEPTS = "application/json; okta-version=1.0.0"
IDX = "/idp/idx"


def wrap(value: Any) -> dict[str, Any]:
    """`{"type": "object"|"array", "value": value}`."""
    return {"type": "array" if isinstance(value, list) else "object", "value": value}


def field(name: str, label: str | None = None, **extra: Any) -> dict[str, Any]:
    """A form field; `extra` carries `required`, `secret`, `type`, `value`, `mutable`, `visible`, `options`..."""
    out: dict[str, Any] = {"name": name}
    if label is not None:
        out["label"] = label
    out.update({key: value for key, value in extra.items() if value is not None})
    return out


def immutable(name: str, value: Any, **extra: Any) -> dict[str, Any]:
    """A field the client sends back as given (an authenticator id, the question key, ...)."""
    return field(name, required=True, value=value, mutable=False, **extra)


def sub_form(fields: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"value": list(fields)}


def option(label: str, fields: Iterable[dict[str, Any]], relates_to: str | None = None) -> dict[str, Any]:
    """An object choice of a select field (`value.form.value`), related to an authenticator or enrollment."""
    out: dict[str, Any] = {"label": label, "value": {"form": sub_form(fields)}}
    if relates_to is not None:
        out["relatesTo"] = relates_to
    return out


class Ion:
    """Builds the forms of one IDX response: links are absolute, every form carries the state handle."""

    def __init__(self, links: Links, state_handle: str | None) -> None:
        self.links = links
        self.state_handle = state_handle

    def url(self, path: str) -> str:
        return self.links.url(path if path.startswith("/") else f"{IDX}/{path}")

    def state_field(self) -> dict[str, Any]:
        return {"name": "stateHandle", "required": True, "value": self.state_handle, "visible": False, "mutable": False}

    def form(
        self,
        name: str,
        path: str,
        fields: Iterable[dict[str, Any]] = (),
        *,
        relates_to: list[str] | None = None,
        refresh: int | None = None,
        method: str = "POST",
        accepts: str = ACCEPTS,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"rel": ["create-form"], "name": name}
        if relates_to:
            out["relatesTo"] = relates_to
        out.update({"href": self.url(path), "method": method})
        if refresh is not None:
            out["refresh"] = refresh
        out.update({"accepts": accepts, "produces": ION})
        values = list(fields)
        if self.state_handle is not None:
            values.append(self.state_field())
        out["value"] = values
        return out

    def action(self, name: str, path: str, **extra: Any) -> dict[str, Any]:
        """A form with nothing but the state handle (cancel, recover, resend, skip, poll...)."""
        return self.form(name, path, **extra)


def envelope(
    state_handle: str | None,
    expires_at: datetime | None,
    intent: str = "LOGIN",
) -> dict[str, Any]:
    """The top of every IDX response (`version`, `stateHandle`, `expiresAt`, `intent`)."""
    body: dict[str, Any] = {"version": VERSION}
    if state_handle is not None:
        body["stateHandle"] = state_handle
    if expires_at is not None:
        body["expiresAt"] = isoformat_z(expires_at)
    body["intent"] = intent
    return body


def message(text: str, key: str, level: str = "ERROR", params: list[Any] | None = None) -> dict[str, Any]:
    """One message: `{message, i18n: {key, params?}, class}`."""
    i18n: dict[str, Any] = {"key": key}
    if params:
        i18n["params"] = params
    return {"message": text, "i18n": i18n, "class": level}


def messages(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "value": list(items)}
