"""How `v1/authorize` answers: the client redirect in each response mode, and the `sid` cookie."""

from __future__ import annotations

import base64
import hashlib
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
        script = f"'unsafe-hashes' {_script_hash(FORM_POST_SCRIPT)}"
        policy = f"default-src 'none'; script-src {script}; form-action {_origin(uri)}; frame-ancestors 'none'"
        return HTMLResponse(_form_post_page(uri, params), headers={**NO_STORE, "Content-Security-Policy": policy})
    if outcome.response_mode == "okta_post_message":
        page, script = _post_message_page(uri, params)
        # framed by the client's page (okta-auth-js `getWithoutPrompt`): only that origin may frame it
        policy = f"default-src 'none'; script-src {_script_hash(script)}; frame-ancestors {_origin(uri)}"
        return HTMLResponse(page, headers={**NO_STORE, "Content-Security-Policy": policy})
    if outcome.response_mode == "fragment":
        location = uri.split("#", 1)[0] + "#" + urlencode(params)
    else:
        location = uri + ("&" if "?" in uri else "?") + urlencode(params)
    return RedirectResponse(location, status_code=302, headers=NO_STORE)


#: the one inline script of the form_post page (an onload handler: its hash is allowed by the page's CSP)
FORM_POST_SCRIPT = "document.forms[0].submit()"


def _script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


def _form_post_page(uri: str, params: dict[str, str]) -> str:
    fields = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items()
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Submit this form</title></head>"
        f"<body onload='{FORM_POST_SCRIPT}'>"
        f"<form method='post' action='{html.escape(uri)}'>{fields}"
        "<noscript><p>JavaScript is off. Press the button to continue.</p>"
        "<button type='submit'>Continue</button></noscript></form></body></html>"
    )


def _post_message_page(uri: str, params: dict[str, str]) -> tuple[str, str]:
    """The page and its one inline script (hashed into the page's CSP)."""
    data = json.dumps(params).replace("<", "\\u003c")
    script = f"window.parent.postMessage({data}, {json.dumps(_origin(uri))});"
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Authorization</title></head><body>"
        f"<script>{script}</script></body></html>"
    )
    return page, script


def set_sid_cookie(response: Response, session_id: str, secure: bool, path: str = "/") -> None:
    """Okta's session cookie: `sid`, path `/` (a path tenant's `/t/{name}/`), HttpOnly, a browser-session cookie."""
    response.set_cookie(SID_COOKIE, session_id, path=path, httponly=True, samesite="lax", secure=secure)
