"""How `v1/authorize` answers: the client redirect in each response mode, and the `sid` cookie."""

from __future__ import annotations

import html
import json
from urllib.parse import urlencode, urlsplit

from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mockfinra.identity.oidc.authorize import ClientRedirect

SID_COOKIE = "sid"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def client_redirect(outcome: ClientRedirect) -> Response:
    """query / fragment → 302; form_post → an auto-submitting form; okta_post_message → postMessage."""
    uri, params = outcome.redirect_uri, outcome.params
    if outcome.response_mode == "form_post":
        return HTMLResponse(_form_post_page(uri, params), headers=NO_STORE)
    if outcome.response_mode == "okta_post_message":
        return HTMLResponse(_post_message_page(uri, params), headers=NO_STORE)
    if outcome.response_mode == "fragment":
        location = uri.split("#", 1)[0] + "#" + urlencode(params)
    else:
        location = uri + ("&" if "?" in uri else "?") + urlencode(params)
    return RedirectResponse(location, status_code=302, headers=NO_STORE)


def _form_post_page(uri: str, params: dict[str, str]) -> str:
    fields = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items()
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Submit this form</title></head>"
        "<body onload='document.forms[0].submit()'>"
        f"<form method='post' action='{html.escape(uri)}'>{fields}"
        "<noscript><p>JavaScript is off. Press the button to continue.</p>"
        "<button type='submit'>Continue</button></noscript></form></body></html>"
    )


def _post_message_page(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    origin = f"{parts.scheme}://{parts.netloc}"
    data = json.dumps(params).replace("<", "\\u003c")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Authorization</title></head><body>"
        f"<script>window.parent.postMessage({data}, {json.dumps(origin)});</script></body></html>"
    )


def set_sid_cookie(response: Response, session_id: str, secure: bool) -> None:
    """Okta's session cookie: `sid`, path `/`, HttpOnly, a browser-session cookie."""
    response.set_cookie(SID_COOKIE, session_id, path="/", httponly=True, samesite="lax", secure=secure)
