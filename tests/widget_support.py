"""A second origin for the Sign-In Widget browser tests: a tiny HTTP server on another 127.0.0.1 port serving a
page that runs Okta's Sign-In Widget 7 (its dist bundle and CSS from tests/compat/node_modules, no CDN) against
a mockfinra server on another origin.

`WidgetSite(config)` serves:
- `/` : the page; `config` is the widget's configuration (JSON), `mode` says how the page starts it:
  `classic` (`renderEl`, the authn result shown) or `tokens` (`showSignInToGetTokens`, the tokens' claims shown);
- `/widget/...`: the package's `dist` folder (js, css, fonts, images, labels), also the widget's `assets.baseUrl`;
- `/callback`: an empty page (the redirect URI the OAuth client is registered with).
The page writes its outcome into `#result` (text a person reads) and `window.__outcome` (JSON for the test).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from mockfinra.testing import free_port

WIDGET = Path(__file__).parent / "compat" / "node_modules" / "@okta" / "okta-signin-widget" / "dist"
TYPES = {
    ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".png": "image/png",
    ".svg": "image/svg+xml", ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".gif": "image/gif",
}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Widget test app</title>
<link rel="stylesheet" href="/widget/css/okta-sign-in.min.css">
<script src="/widget/js/okta-sign-in.min.js"></script>
</head>
<body>
<main>
<h1>Widget test app</h1>
<div id="widget"></div>
<p id="result" role="status"></p>
</main>
<script>
const config = __CONFIG__;
const mode = __MODE__;
const result = document.getElementById('result');
function done(outcome, text) { window.__outcome = outcome; result.textContent = text; }
function failed(err) {
  done({error: String(err && (err.message || err.errorSummary || err.name) || err)}, 'Sign-in failed.');
}
const widget = new OktaSignIn(config);
if (mode === 'classic') {
  widget.renderEl({el: '#widget'}, (res) => {
    if (res.status === 'SUCCESS') {
      widget.remove();
      done({status: res.status, login: res.user.profile.login, sessionToken: res.session && res.session.token},
           'Signed in as ' + res.user.profile.login);
    }
  }, failed);
} else {
  widget.showSignInToGetTokens({el: '#widget'}).then((tokens) => {
    widget.remove();
    const claims = tokens.idToken.claims;
    done({login: claims.preferred_username, hasAccessToken: Boolean(tokens.accessToken && tokens.accessToken.accessToken),
          issuer: claims.iss, audience: claims.aud}, 'Signed in as ' + claims.preferred_username);
  }).catch(failed);
}
</script>
</body>
</html>
"""


def _dist_file(path: str) -> Path | None:
    """The file of the widget's dist folder that `/widget/<rest>` names, if any (never outside the folder)."""
    if not path.startswith("/widget/"):
        return None
    file = (WIDGET / path[len("/widget/"):]).resolve()
    if WIDGET.resolve() not in file.parents or not file.is_file():
        return None
    return file


class WidgetSite:
    """`with WidgetSite(config, mode) as site: page.goto(site.url)`: the widget page on its own origin."""

    def __init__(self, config: dict[str, Any], mode: str = "tokens", port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        page = PAGE.replace("__CONFIG__", json.dumps(config)).replace("__MODE__", json.dumps(mode))
        body = page.encode("utf-8")

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = self.path.split("?", 1)[0]
                file = _dist_file(path)
                if file is not None:
                    self._send(200, file.read_bytes(), TYPES.get(file.suffix, "application/octet-stream"))
                elif path in ("/", "/callback"):
                    self._send(200, body if path == "/" else b"<!doctype html><title>callback</title>", "text/html")
                else:
                    self._send(404, b"not found", "text/plain")

            def _send(self, status: int, content: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="widget-site", daemon=True)

    def __enter__(self) -> "WidgetSite":
        if not (WIDGET / "js" / "okta-sign-in.min.js").exists():
            raise RuntimeError(f"{WIDGET} is missing: run `npm ci` in tests/compat")
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
