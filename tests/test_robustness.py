"""Hostile input on every route: a clear error in the surface's own format, never a 500 or a traceback.

One app (in-memory store, default seed) per test process. Every FastAPI route of `app.routes`, with its
path parameters filled with junk, gets a fixed (deterministic) set of bad inputs: no body, malformed JSON,
JSON of the wrong type, objects with wrong-typed or huge fields, lone surrogates, the wrong content type,
junk query parameters, bad Authorization headers, junk cookies and Host headers. Some inputs go deeper
with a valid part: the download handlers with a valid caller and odd action / facility / file / date
values, the TRAQS forms with a signed-in session and a bad CSRF field, the authorize endpoint with a valid
client and one bad parameter, and (second test) a live sign-in transaction with bad answers and factors.

Every response must be below 500, carry no Python traceback and be in the format of its surface:

- `/api/...`: Okta error JSON (`errorCode`, `errorSummary`);
- `/oauth2/...`: OAuth JSON (`error`); the browser endpoints (authorize, logout) may show an HTML page;
- `/_mock/...`: JSON (`error`);
- `/apidownload/...` and `/download/...`: text/plain;
- everything else (pages): text/html.

None of the inputs is a valid request, so users, factors and sessions are the same afterwards.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import quote, urlencode

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.sections import ensure_all
from mockfinra.settings import Settings

SEED_LOGIN = "all.access@example.com"  # every entitlement: the valid caller of the download cases
SESSION_LOGIN = "trace.analyst@example.com"  # the signed-in TRAQS user
SEED_PASSWORD = "Ntf-Demo-2026"

# The long-polls answer at once, and the outbox hub is closed (see `client`) so that an event stream ends
# after its greeting. Factor failures do not lock the live transaction's user out, so every bad answer
# reaches the factor; the legacy host takes Basic credentials on plain HTTP, so its parameters are read.
SETTINGS = Settings.for_tests(messages_wait_cap_seconds=0, legacy_allow_plain_http=True, factor_lockout_threshold=0)
APP = create_app(SETTINGS)
ensure_all(APP)  # every section of the route table, not only those a request has installed (mockfinra/sections.py)


def _route_contexts() -> list[Any]:
    return [c for c in iter_route_contexts(APP.routes) if isinstance(c.original_route, APIRoute)]


ROUTES = [(method, c.path) for c in _route_contexts() for method in sorted(c.methods or ())]


def _dependant(method: str, path: str) -> Any:
    return next(c.original_route.dependant for c in _route_contexts() if c.path == path and method in (c.methods or ()))


def _declared_query_names(method: str, path: str) -> list[str]:
    return [param.alias for param in _dependant(method, path).query_params]


def _reads_body(method: str, path: str) -> bool:
    """A declared body (JSON or form), or one the handler reads itself (OAuth forms, download forms)."""
    if method in ("GET", "HEAD", "DELETE"):
        return False
    return bool(_dependant(method, path).body_params) or path.startswith(("/oauth2/", "/apidownload/", "/download/"))


# --- the inputs -------------------------------------------------------------------------------------

HUGE = "A" * 100_000
LONG = "x" * 5_000
PKCE_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

#: junk for a path parameter, percent-encoded where it must be ("../x" is resolved by the client itself)
PATH_JUNK = ["nope", "..%2Fx", "../x", LONG, quote("ünï©ødé-💥"), "%00", "%ff%fe", "%20", "me"]

#: query parameters read from `request.query_params` rather than declared to FastAPI, by path prefix
QUERY_NAMES = {
    "/oauth2/default/v1/authorize": [
        "client_id", "redirect_uri", "response_type", "response_mode", "scope", "state", "nonce",
        "code_challenge", "code_challenge_method", "prompt", "max_age", "sessionToken", "login_hint",
    ],
    "/oauth2/default/v1/logout": ["id_token_hint", "post_logout_redirect_uri", "state"],
    "/api/v1/authn/factors/": ["rememberDevice", "autoPush"],
}
QUERY_JUNK = ["", "nope", "-1", "1e309", "NaN", "%00%ff", quote("²ü💥"), LONG]

#: (label, JSON text): not one of them is a valid request
JSON_BODIES: list[tuple[str, str]] = [
    ("empty object", "{}"),
    ("array", "[]"),
    ("array of numbers", "[1, 2, 3]"),
    ("string", '"hello"'),
    ("number", "42"),
    ("float", "-1.5e308"),
    ("null", "null"),
    ("true", "true"),
    ("NaN", "NaN"),
    ("Infinity", '{"advance": Infinity, "answer": -Infinity}'),
    ("wrong-typed credentials", '{"username": 1, "password": []}'),
    ("object state token", '{"stateToken": {"a": 1}}'),
    ("array state token", '{"stateToken": ["x"], "passCode": {"a": 1}, "answer": [1]}'),
    ("number state token", '{"stateToken": 1.5, "answer": 7, "passCode": null}'),
    ("null fields", '{"username": null, "password": null, "stateToken": null, "factorType": null}'),
    ("huge credentials", json.dumps({"username": HUGE, "password": HUGE})),
    ("huge state token", json.dumps({"stateToken": HUGE, "answer": HUGE, "passCode": HUGE})),
    ("huge new password", json.dumps({"stateToken": "nope", "oldPassword": HUGE, "newPassword": HUGE})),
    ("lone surrogate", '{"username": "\\ud800", "password": "\\udfff", "stateToken": "\\ud800"}'),
    ("lone surrogate key", '{"\\udc00": 1, "login": "x\\udbff"}'),
    ("NUL and unicode", '{"username": "a\\u0000b", "password": "p\\u0000", "stateToken": "\\u0000ü💥"}'),
    ("wrong-typed enroll", '{"stateToken": "nope", "factorType": 1, "provider": [], "profile": "x"}'),
    ("object enroll", '{"stateToken": "nope", "factorType": {"a": 1}, "provider": {"b": 2}, "profile": [1]}'),
    ("wrong-typed recovery", '{"username": [], "factorType": {}, "relayState": 5, "recoveryToken": []}'),
    (
        "wrong-typed user",
        '{"profile": {"login": 1, "email": [], "firstName": {}, "entitlements": "TRACE", "mobilePhone": 5},'
        ' "credentials": {"password": {"value": 5}, "recovery_question": "x"}}',
    ),
    ("wrong-typed user parts", '{"profile": [], "credentials": "secret"}'),
    (
        "wrong-typed credentials object",
        '{"profile": {"login": "nope"}, "credentials": {"password": "plain",'
        ' "recovery_question": {"question": 1, "answer": []}}}',
    ),
    (
        "huge user",
        json.dumps({"profile": {"login": HUGE, "email": HUGE, "firstName": HUGE},
                    "credentials": {"password": {"value": HUGE}}}),
    ),
    (
        "wrong-typed mock user",
        '{"login": [], "password": 1, "entitlements": [1, {}], "status": "WHAT",'
        ' "factors": [1, "x", {"factorType": {}}, {"factorType": "sms", "phoneNumber": []}]}',
    ),
    ("mock user factors not a list", '{"login": "nope", "password": "x", "factors": {"factorType": "sms"}}'),
    (
        "mock user bad factor fields",
        '{"login": "bad login", "factors": [{"factorType": "token:software:totp", "sharedSecret": 12,'
        ' "provider": 3}, {"factorType": "question", "question": [], "answer": {}},'
        ' {"factorType": "push", "pushPolicy": 1}]}',
    ),
    ("wrong-typed clock", '{"advance": "soon", "set": 5, "freeze": "maybe"}'),
    ("absurd clock", '{"advance": 1e308}'),
    ("bad clock instant", '{"set": "0000-13-45T99:99:99Z"}'),
    ("wrong-typed approval", '{"answer": {"n": 1}}'),
    ("wrong-typed session token", '{"sessionToken": 1}'),
    ("object session token", '{"sessionToken": {"a": []}}'),
    ("wrong-typed passwords", '{"stateToken": "nope", "oldPassword": null, "newPassword": {"a": 1}}'),
    ("deep nesting", "[" * 50_000 + "]" * 50_000),
]

#: (label, raw body, content type)
RAW_BODIES: list[tuple[str, bytes, str]] = [
    ("malformed JSON", b'{"username": ', "application/json"),
    ("single-quoted JSON", b"{'username': 'a'}", "application/json"),
    ("trailing garbage", b'{"stateToken": "nope"} xyz', "application/json"),
    ("invalid UTF-8", b'{"username": "\xff\xfe"}', "application/json"),
    ("empty JSON body", b"", "application/json"),
    ("UTF-16 JSON", '{"username": "a"}'.encode("utf-16"), "application/json"),
    ("JSON charset lie", b'{"username": "\xe9"}', "application/json; charset=latin-1"),
    ("vendor JSON with a lone surrogate", b'{"stateToken": "\\ud800"}', "application/vnd.okta+json"),
    ("form where JSON goes", b"username=a&password=b&stateToken=c", "application/x-www-form-urlencoded"),
    ("form with junk", b"%%%=&&=%zz&stateToken=%ff%fe&grant_type[]=x", "application/x-www-form-urlencoded"),
    ("form with NUL", b"token=%00&csrf=%00&grant_type=%00&client_id=%00", "application/x-www-form-urlencoded"),
    ("JSON as text", b'{"username": "a", "password": "b"}', "text/plain"),
    ("JSON as form", b'{"grant_type": "refresh_token"}', "application/x-www-form-urlencoded"),
    ("multipart without boundary", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--x--", "multipart/form-data"),
    ("broken multipart", b"--x\r\nContent-Disposition: nonsense\r\n\r\n", "multipart/form-data; boundary=x"),
    ("XML", b"<?xml version='1.0'?><a>1</a>", "application/xml"),
    ("binary", bytes(range(256)), "application/octet-stream"),
    ("unknown content type", b"abc", "x-nonsense/\x7f"),
]

#: the bodies also sent to GET, DELETE and routes that read no input
FEW_BODIES = ("array", "lone surrogate", "huge credentials", "malformed JSON", "form where JSON goes")

AUTHORIZATIONS: list[tuple[str, bytes]] = [
    ("Bearer alone", b"Bearer"),
    ("Bearer blank", b"Bearer   "),
    ("Bearer x.y.z", b"Bearer x.y.z"),
    ("Bearer alg none", b"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0."),
    ("Bearer bad JSON segments", b"Bearer " + base64.urlsafe_b64encode(b"{not json").rstrip(b"=") + b".e30.c2ln"),
    ("Bearer two words", b"Bearer a b"),
    ("SSWS alone", b"SSWS"),
    ("SSWS junk", b"SSWS nope"),
    ("Basic !!!", b"Basic !!!"),
    ("Basic no colon", b"Basic " + base64.b64encode(b"nocolon")),
    ("Basic unknown user", b"Basic " + base64.b64encode(b"nope@example.com:nope")),
    ("Basic invalid UTF-8", b"Basic " + base64.b64encode(b"\xff\xfe:\xff")),
    ("Basic empty login", b"Basic " + base64.b64encode(b":password")),
    ("Negotiate", b"Negotiate abc"),
    ("latin-1 bytes", b"Bearer \xe9\xff"),
    ("huge", b"Bearer " + b"A" * 20_000),
]

#: the ones also sent with a body that parses
FEW_AUTHORIZATIONS = ("Bearer x.y.z", "SSWS junk", "Basic !!!", "latin-1 bytes")

COOKIES: list[tuple[str, bytes]] = [
    ("junk sid", b"sid=nope; traqs_login=nope nope"),
    ("non-ASCII cookies", "sid=ü💥; traqs_login=ü ü".encode("utf-8")),
    ("huge sid", b"sid=" + b"s" * 8_000),
    ("malformed cookie header", b'sid; ;=; traqs_login="unterminated'),
]

HOSTS: list[tuple[str, bytes]] = [
    ("host with a bad port", b"testserver:notaport"),
    ("non-ASCII host", "hôst.example".encode("utf-8")),
    ("host with a path", b"evil.example/x?y"),
    ("host with a port out of range", b"testserver:99999"),
    ("host of colons", b"::::"),
    ("empty host", b""),
]

#: odd download parameters: each one is wrong (unknown, incomplete, impossible or conflicting)
DOWNLOAD_QUERIES = [
    "",
    "action=",
    "action=DELETE&facility=TRACE&file=CAMASTER",
    "action=DOWNLOAD",
    "action=DOWNLOAD&facility=TRACE",
    "action=DOWNLOAD&facility=NASDAQ&file=CAMASTER",
    "action=DOWNLOAD&facility=TRACE&file=NOPE",
    "action=DOWNLOAD&facility=TRACE&file=..%2F..%2Fetc%2Fpasswd",
    "action=DOWNLOAD&facility=TRACE&file=%00",
    "action=DOWNLOAD&facility=TRACE&file=" + "Z" * 5000,
    "action=DOWNLOAD&facility=%C3%BC&file=%F0%9F%92%A5",
    "action=DOWNLOAD&facility=TRACE&facility=ADF&file=CAMASTER",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=13012026",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=02302026",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=00000000",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=01010001",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=12319999",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=01011900",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=2026-11-20",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=1120202%C2%B2",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=abc",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&date=-1",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&username=someone.else@example.com",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&username=%00",
    "action=DOWNLOAD&facility=TRACE&file=CAMASTER&username=" + "u" * 5000,
    "action=LIST&facility=NASDAQ",
    "action=LIST&date=99999999",
    "action=LIST&date=01010001",
    "action=LIST&facility=TRACE&date=12319999",
]

#: a valid authorization request of the public client (it would send the browser to sign in) ...
AUTHORIZE_BASE = {
    "client_id": "traqs-api",
    "redirect_uri": "http://127.0.0.1:9999/callback",
    "response_type": "code",
    "scope": "openid",
    "state": "s",
    "code_challenge": PKCE_CHALLENGE,
    "code_challenge_method": "S256",
}
#: ... with one parameter made bad at a time
AUTHORIZE_JUNK = {
    "redirect_uri": ["http://127.0.0.1:notaport/cb", "http://[::1/cb", "http://127.0.0.1:9999/cb#frag", "ü"],
    "response_type": ["token", "ü", LONG],
    "response_mode": ["nope", "ü", "fragment "],
    "scope": ["nope", "openid ü", "openid " + LONG],
    "code_challenge": ["short", "ü" * 43, LONG],
    "code_challenge_method": ["plain", "ü", ""],
    "prompt": ["nope", "none login", "ü"],
    "max_age": ["-1", "1e3", "²²", "٣", "9" * 20, "ü"],
    "sessionToken": ["nope", "ü💥", LONG, "%00"],
}

#: forms for the token, introspection and revocation endpoints: valid shapes with bad values
OAUTH_FORMS = {
    "/oauth2/default/v1/token": [
        {"grant_type": "refresh_token", "client_id": "traqs-api", "refresh_token": "nope"},
        {"grant_type": "refresh_token", "client_id": "traqs-api", "refresh_token": "ü💥", "scope": "openid ü"},
        {"grant_type": "refresh_token", "client_id": "traqs-api", "refresh_token": LONG},
        {"grant_type": "refresh_token", "client_id": "traqs-api"},
        {"grant_type": "authorization_code", "client_id": "traqs-api", "code": "nope",
         "redirect_uri": "http://127.0.0.1:9999/callback", "code_verifier": "ü" * 43},
        {"grant_type": "authorization_code", "client_id": "traqs-portal", "client_secret": "ü", "code": "x"},
        {"grant_type": "authorization_code", "client_id": "ü", "code": "x"},
        {"grant_type": "password", "client_id": "traqs-api", "username": SEED_LOGIN, "password": "nope"},
        {"grant_type": "client_credentials", "client_id": "traqs-portal", "client_secret": "nope"},
        {"grant_type": "ü💥", "client_id": "traqs-api"},
        {"grant_type": LONG},
        {"client_id": "traqs-api"},
    ],
    "/oauth2/default/v1/introspect": [
        {"client_id": "traqs-api", "token": "nope"},
        {"client_id": "traqs-api", "token": "x.y.z", "token_type_hint": "access_token"},
        {"client_id": "traqs-api", "token": "ü💥", "token_type_hint": "refresh_token"},
        {"client_id": "traqs-api", "token": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.", "token_type_hint": "id_token"},
        {"client_id": "traqs-api", "token": LONG, "token_type_hint": "ü"},
        {"client_id": "traqs-portal", "client_secret": "ü", "token": "nope"},
    ],
}
OAUTH_FORMS["/oauth2/default/v1/revoke"] = OAUTH_FORMS["/oauth2/default/v1/introspect"]

#: bad updates of a real user (each one refused whole, by a partial POST and a full PUT alike)
USER_UPDATES: list[dict[str, Any]] = [
    {"profile": {"login": "not an email"}}, {"profile": {"login": HUGE}}, {"profile": {"login": SESSION_LOGIN}},
    {"profile": {"email": "ü"}}, {"profile": {"entitlements": ["NOPE"]}}, {"profile": {"entitlements": "TRACE"}},
    {"profile": {"mobilePhone": []}}, {"profile": {"firstName": HUGE}}, {"profile": {"firstName": 5}},
    {"profile": {"unknownAttr": {"nested": [1]}}}, {"profile": "x"},
    {"credentials": {"password": {"value": "short"}}}, {"credentials": {"password": {"value": "\u0000"}}},
    {"credentials": {"password": {"value": HUGE}}}, {"credentials": {"password": {"hash": {"algorithm": "BCRYPT"}}}},
    {"credentials": {"recovery_question": {"question": "", "answer": ""}}}, {"credentials": []},
]
UPDATED_LOGIN = "adf.operator@example.com"

#: bad CSRF fields for the TRAQS forms of a signed-in user
CSRF_FORMS = [b"", b"csrf=", b"csrf=nope", b"csrf=%C3%BC%F0%9F%92%A5", b"csrf=" + b"a" * 5000, b"csrf=a&csrf=b",
              b"csrf=%00&label=" + b"x" * 5000]


#: routes that read no input at all (a reset wipes the state and reloads the seed)
INPUTLESS = {("POST", "/_mock/reset")}


@dataclass
class Case:
    label: str
    method: str
    url: str
    content: bytes | None = None
    headers: dict[str, Any] = field(default_factory=dict)


def _form(**headers: Any) -> dict[str, Any]:
    return {"content-type": "application/x-www-form-urlencoded", **headers}


def _cases(method: str, path: str, valid: dict[str, bytes]) -> Iterator[Case]:
    """The bounded, deterministic set of hostile requests for one route and method."""
    urls = _concrete_paths(path)
    url = urls[0]
    if (method, path) in INPUTLESS:
        # It reads no input, so any request that reaches it is a valid one: only those stopped before it.
        for label, value in HOSTS:
            if value:
                yield Case(label, method, url, headers={"host": value})
        yield Case("too large", method, url, b"[" + b" " * 2_000_000 + b"]", {"content-type": "application/json"})
        return
    reads_body = _reads_body(method, path)  # the others get a few bodies only

    yield Case("no body", method, url)
    for index, other in enumerate(urls[1:]):
        yield Case(f"junk path {other[:60]!r}", method, other)
        if method != "HEAD" and index < 3:
            yield Case(f"junk path {other[:60]!r} + array", method, other, b"[]", {"content-type": "application/json"})
    if method != "HEAD":
        for label, text in JSON_BODIES:
            if reads_body or label in FEW_BODIES:
                yield Case(label, method, url, text.encode("utf-8"), {"content-type": "application/json"})
        for label, raw, content_type in RAW_BODIES:
            if reads_body or label in FEW_BODIES:
                yield Case(label, method, url, raw, {"content-type": content_type})
    names = list(dict.fromkeys(_declared_query_names(method, path) + _prefix_names(path)))
    for name in names:
        for value in QUERY_JUNK:
            yield Case(f"query {name}={value[:20]}", method, f"{url}?{name}={value}")
        yield Case(f"query {name} repeated", method, f"{url}?{name}=a&{name}=b")
    yield Case("unexpected query", method, f"{url}?zzz=1&__proto__=x&%00=%00&=&&&")
    yield Case("undeclared method", "PATCH", url, b"{}", {"content-type": "application/json"})
    for label, value in AUTHORIZATIONS:
        yield Case(f"authorization {label}", method, url, headers={"authorization": value})
        if reads_body and label in FEW_AUTHORIZATIONS:
            yield Case(f"authorization {label} + object", method, url, b'{"stateToken": "nope"}',
                       {"authorization": value, "content-type": "application/json"})
    for label, value in COOKIES:
        yield Case(f"cookie {label}", method, url, headers={"cookie": value})
    yield Case("state cookie matches a non-ASCII state", method, f"{url}?code=nope&state=%C3%BC",
               headers={"cookie": "traqs_login=ü x".encode("utf-8")})
    for label, value in HOSTS:
        yield Case(label, method, url, headers={"host": value})
    yield from _deep_cases(method, path, url, valid)


def _prefix_names(path: str) -> list[str]:
    return [name for prefix, names in QUERY_NAMES.items() if path.startswith(prefix) for name in names]


def _concrete_paths(template: str) -> list[str]:
    """The route's path with each parameter filled with each junk value (`{path:path}`: the handler too)."""
    if "{" not in template:
        return [template]
    head, _, rest = template.partition("{")
    name, _, tail = rest.partition("}")
    if name.endswith(":path"):
        junk = ["DownloadHandler.ashx", "downloadhandler.ASHX/extra", "..%2FDownloadHandler.ashx", "nope", "%00",
                LONG, quote("ü💥"), ""]
        return [head + value + tail for value in junk]
    return [head + value + _fill(tail) for value in PATH_JUNK]


def _fill(template: str) -> str:
    while "{" in template:
        head, _, rest = template.partition("{")
        template = head + "nope" + rest.partition("}")[2]
    return template


def _deep_cases(method: str, path: str, url: str, valid: dict[str, bytes]) -> Iterator[Case]:
    """Requests that are valid but for one part, so that the handler gets to read that part."""
    if url.lower().endswith("/downloadhandler.ashx"):
        auth = valid["download" if path.startswith("/download/") else "apidownload"]
        for query in DOWNLOAD_QUERIES:
            yield Case(f"download ?{query[:80]}", method, f"{url}?{query}", headers={"authorization": auth})
            if method == "POST":
                yield Case(f"download form {query[:80]}", method, url, query.encode("ascii"), _form(authorization=auth))
        if method == "POST":
            yield Case("download query and form disagree", method, f"{url}?action=DOWNLOAD&facility=TRACE&file=CAMASTER",
                       b"facility=ADF&file=NOPE", _form(authorization=auth))
            yield Case("download form with a file field", method, f"{url}?action=DOWNLOAD&facility=TRACE",
                       b'--x\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\nCAMASTER\r\n--x--\r\n',
                       {"authorization": auth, "content-type": "multipart/form-data; boundary=x"})
    if path.startswith("/traqs/") and method == "POST":
        for form in CSRF_FORMS:
            yield Case(f"signed in, form {form[:40]!r}", method, url, form, _form(cookie=b"sid=" + valid["sid"]))
    if path == "/traqs/authorization-code/callback":
        for code in ("nope", "%C3%BC", LONG, "%00"):
            yield Case(f"callback with its state, code={code[:20]}", method, f"{url}?code={code}&state=s",
                       headers={"cookie": b"traqs_login=s http://testserver/traqs/"})
    if path == "/oauth2/default/v1/authorize":
        for name, values in AUTHORIZE_JUNK.items():
            for value in values:
                query = urlencode({**AUTHORIZE_BASE, name: value})
                yield Case(f"authorize {name}={value[:20]}", method, f"{url}?{query}")
                yield Case(f"authorize {name}={value[:20]}, signed in", method, f"{url}?{query}",
                           headers={"cookie": b"sid=" + valid["sid"]})
            yield Case(f"authorize {name} repeated", method, f"{url}?{urlencode(AUTHORIZE_BASE)}&{name}=x&{name}=y")
    if path == "/api/v1/users/{id_or_login}" and method in ("POST", "PUT"):
        for update in USER_UPDATES:
            yield Case(f"update {str(update)[:60]}", method, f"/api/v1/users/{UPDATED_LOGIN}", json.dumps(update).encode(),
                       {"content-type": "application/json"})
    for form in OAUTH_FORMS.get(path, []):
        yield Case(f"form {str(form)[:80]}", method, url, urlencode(form).encode(), _form())
        yield Case(f"form {str(form)[:80]} + Basic", method, url, urlencode(form).encode(),
                   _form(authorization=b"Basic " + base64.b64encode("traqs-portal:ü".encode())))


# --- what every response must look like --------------------------------------------------------------

TRACEBACK_MARKERS = ("Traceback", 'File "/')

#: the routes whose successful answer is not in the surface's usual format
SUCCESS_TYPES = {
    "/_mock/phone": "text/html",
    "/_mock/requests/page": "text/html",
    "/_mock/messages/stream": "text/event-stream",
    "/_mock": "text/html",
    "/_mock/inbox": "text/html",
    "/_mock/docs": "text/html",
    "/_mock/redoc": "text/html",
    "/favicon.ico": "image/svg+xml",
}
#: browser endpoints of the authorization server: an error they cannot redirect is a page
BROWSER_ENDPOINTS = ("/oauth2/default/v1/authorize", "/oauth2/default/v1/logout")


def _surface(path: str) -> str:
    if path == "/.well-known/okta-organization":
        return "idx"
    first = path.split("/")[1]
    surfaces = {"api": "okta", "oauth2": "oauth", "_mock": "mock", "apidownload": "plain", "download": "plain", "idp": "idx"}
    return surfaces.get(first, "html")


def problems_of(method: str, template: str, response: httpx.Response) -> list[str]:
    """What is wrong with one response ([] when nothing)."""
    problems = []
    status = response.status_code
    text = response.content.decode("utf-8", "replace")
    if status >= 500:
        problems.append(f"status {status}: {text[:300]!r}")
    if any(marker in text for marker in TRACEBACK_MARKERS):
        problems.append(f"traceback text in the body: {text[:300]!r}")
    if "x-mock-time" not in response.headers:
        problems.append(f"{status} without X-Mock-Time")
    if method == "HEAD" or status in (204, 304) or (status < 400 and not response.content):
        return problems
    if 300 <= status < 400:
        if not response.headers.get("location"):
            problems.append(f"{status} without a Location")
        return problems
    surface = _surface(template)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    expected = {"okta": "application/json", "oauth": "application/json", "mock": "application/json",
                "plain": "text/plain", "html": "text/html", "idx": "application/json"}[surface]
    allowed = {SUCCESS_TYPES[template]} if status < 400 and template in SUCCESS_TYPES else {expected}
    if template in BROWSER_ENDPOINTS:
        allowed.add("text/html")
    if content_type not in allowed:
        problems.append(f"{status} content type {content_type!r}, expected {' or '.join(sorted(allowed))}: {text[:200]!r}")
    elif content_type == "application/json":
        try:
            body = response.json()
        except ValueError:
            problems.append(f"{status} body is not JSON: {text[:200]!r}")
            return problems
        if status >= 400:
            keys = {"okta": ("errorCode", "errorSummary"), "oauth": ("error",), "mock": ("error",),
                    "idx": ("version", "messages")}[surface]
            if not isinstance(body, dict) or any(key not in body for key in keys):
                problems.append(f"{status} error body is not the {surface} error format: {text[:200]!r}")
    return problems


def send(client: TestClient, case: Case, template: str, failures: list[str]) -> httpx.Response | None:
    """Send one case; record what is wrong with its response."""
    where = f"{case.method} {case.url[:120]} [{case.label}]"
    try:
        response = client.request(case.method, case.url, content=case.content, headers=case.headers,
                                  follow_redirects=False)
    except (httpx.HTTPError, UnicodeError) as error:  # a response that no HTTP client can read
        failures.append(f"{where}: unreadable response: {error!r}")
        return None
    failures.extend(f"{where}: {problem}" for problem in problems_of(case.method, template, response))
    return response


# --- the tests --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(APP, raise_server_exceptions=False) as started:
        APP.state.ctx.outbox.close()  # as on shutdown: event streams and long-polls end at once
        yield started


@pytest.fixture(scope="module")
def valid(client: TestClient) -> dict[str, bytes]:
    """Valid credentials for the deep cases: a download caller per host and a signed-in session."""
    from mockfinra.identity.core.sessions import create_session
    from mockfinra.identity.oidc.tokens import issue_tokens_for_user
    from mockfinra.store.users import find_user_by_login

    ctx = APP.state.ctx
    with ctx.store.transaction() as db:
        user = find_user_by_login(db, SEED_LOGIN)
        assert user is not None
        tokens = issue_tokens_for_user(ctx, db, user, "traqs-api", ["openid", ctx.settings.oauth_data_scope],
                                       "http://testserver/oauth2/default")
        session_user = find_user_by_login(db, SESSION_LOGIN)
        assert session_user is not None
        sid = create_session(ctx, db, session_user, ["pwd", "mfa"]).id
    return {
        "apidownload": b"Bearer " + tokens["access_token"].encode("ascii"),
        "download": b"Basic " + base64.b64encode(f"{SEED_LOGIN}:{SEED_PASSWORD}".encode()),
        "sid": sid.encode("ascii"),
    }


def _state(client: TestClient, full: bool = True) -> dict[str, Any]:
    dump = client.get("/_mock/state").json()
    kept: dict[str, Any] = {f"{kind} count": len(dump[kind]) for kind in ("users", "factors", "sessions")}
    if full:
        kept.update({kind: dump[kind] for kind in ("users", "factors", "sessions")})
    return kept


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_route_answers_hostile_input_in_its_own_format(
    client: TestClient, valid: dict[str, bytes], method: str, path: str
) -> None:
    before = _state(client)
    failures: list[str] = []
    cases = list(_cases(method, path, valid))
    for case in cases:
        send(client, case, path, failures)
    assert not failures, f"{len(failures)} of {len(cases)} hostile requests misbehaved:\n" + "\n".join(failures[:40])
    assert _state(client) == before, "a hostile request changed users, factors or sessions"


UNROUTED = ["/api/v1/nope", "/idp/idx/nope", "/api/v2/users", "/oauth2/default/v1/nope", "/oauth2/nope/v1/token", "/_mock/nope",
            "/apidownload", "/download", "/traqs/nope", "/nope", "/static/nope.css", "/static/..%2F..%2Fapp.py"]


@pytest.mark.parametrize("path", UNROUTED)
def test_unknown_path_answers_in_its_surface_format(client: TestClient, path: str) -> None:
    failures: list[str] = []
    for method in ("GET", "POST", "DELETE", "OPTIONS"):
        send(client, Case("unknown path", method, path, b"{}", {"content-type": "application/json"}), path, failures)
    assert not failures, "\n".join(failures)


# --- a live sign-in transaction ------------------------------------------------------------------------

ANSWERS: list[Any] = [
    None, 1, 123456, -1, 1.5, True, [], ["123456"], {}, {"code": "123456"}, "", " ", "nope", "１２３４５６",
    "٠١٢٣٤٥", "²²²²²²", "12345\u0000", "123 456", HUGE, "ü💥" * 3,
]
BAD_FACTOR_SPECS: list[dict[str, Any]] = [
    {"factorType": "sms", "provider": "OKTA", "profile": {"phoneNumber": value}}
    for value in (None, 1, [], {}, "", "nope", "+1", "ü💥", "+1 555-415-1337" + "9" * 50, LONG, "+1\u0000555")
] + [
    {"factorType": "call", "provider": "OKTA", "profile": {"phoneNumber": "+1 202-555-0199", "phoneExtension": value}}
    for value in ("²²", "abc", "12345678901", [], {}, "٣٣")
] + [
    {"factorType": "question", "provider": "OKTA", "profile": {"question": question, "answer": answer}}
    for question, answer in ((1, "long enough"), ([], "long enough"), ("nope", "long enough"), (LONG, "long enough"),
                             ("disliked_food", []), ("disliked_food", {}), ("disliked_food", ""), ("disliked_food", 7))
] + [
    {"factorType": "token:software:totp", "provider": provider} for provider in (1, [], {}, "", "nope", "ü", LONG)
] + [
    {"factorType": factor_type, "provider": "OKTA"} for factor_type in ("", "nope", "ü", LONG, "SMS ", "sms\u0000")
] + [
    {"factorType": "sms", "provider": "OKTA", "profile": profile} for profile in ("x", [], 1, True)
] + [
    {"factorType": 1}, {"factorType": []}, {"factorType": {}}, {"factorType": None}, {"provider": "OKTA"},
]


def _post(client: TestClient, url: str, body: Any, failures: list[str], label: str) -> httpx.Response | None:
    path = httpx.URL(url).path
    content = json.dumps(body).encode()
    case = Case(label, "POST", url, content, {"content-type": "application/json"})
    return send(client, case, path, failures)


PASSWORD = "Hostile-Input-99"


def _user(client: TestClient, login: str, factors: list[dict[str, Any]]) -> dict[str, Any]:
    spec = {"login": login, "password": PASSWORD, "entitlements": ["TRACE"], "factors": factors}
    assert client.post("/_mock/users", json=spec).status_code == 201
    started = client.post("/api/v1/authn", json={"username": login, "password": PASSWORD})
    assert started.status_code == 200, started.text
    return started.json()


def test_live_transaction_answers_hostile_input(client: TestClient) -> None:
    """Bad answers to every factor of a real MFA_REQUIRED transaction and bad factors to enroll: never a
    500, always Okta JSON, and no factor or session appears."""
    failures: list[str] = []
    every_factor = [
        {"factorType": "question", "question": "disliked_food", "answer": "brussels sprouts"},
        {"factorType": "token:software:totp", "provider": "GOOGLE"},
        {"factorType": "sms", "phoneNumber": "+1 202-555-0198"},
        {"factorType": "call", "phoneNumber": "+1 202-555-0197"},
        {"factorType": "push", "pushPolicy": "manual"},
    ]
    transaction = _user(client, "fuzz.verify@example.com", every_factor)
    assert transaction["status"] == "MFA_REQUIRED", transaction
    token = transaction["stateToken"]
    before = _state(client, full=False)
    for factor in transaction["_embedded"]["factors"]:
        verify = factor["_links"]["verify"]["href"]
        kind = f"{factor['factorType']}/{factor['provider']}"
        for answer in ANSWERS:
            for name in ("passCode", "answer"):
                _post(client, verify, {"stateToken": token, name: answer}, failures, f"{kind} {name}={str(answer)[:20]}")
        for query in ("rememberDevice=nope", "autoPush=%C3%BC", "rememberDevice=1e309&autoPush="):
            _post(client, f"{verify}?{query}", {"stateToken": token, "passCode": "nope"}, failures, f"{kind} ?{query}")
        for path in ("/verify/resend", "/lifecycle/activate", "/lifecycle/activate/poll", "/lifecycle/activate/sms",
                     "/lifecycle/resend"):
            url = verify.rsplit("/verify", 1)[0] + path
            _post(client, url, {"stateToken": token, "passCode": "１２３４５６"}, failures, f"{kind} {path}")
    for spec in BAD_FACTOR_SPECS:
        _post(client, "http://testserver/api/v1/authn/factors", {"stateToken": token, **spec}, failures,
              f"enroll while MFA_REQUIRED {str(spec)[:60]}")
    for body in ({"oldPassword": "ü", "newPassword": HUGE}, {"newPassword": "\u0000"}, {"oldPassword": []}):
        for path in ("/api/v1/authn/credentials/change_password", "/api/v1/authn/credentials/reset_password"):
            _post(client, f"http://testserver{path}", {"stateToken": token, **body}, failures, f"{path} {str(body)[:40]}")
    for factor_type in ("ü💥", "sms ", "EMAIL\u0000", LONG, "", "question"):
        _post(client, "http://testserver/api/v1/authn/recovery/password",
              {"username": "fuzz.verify@example.com", "factorType": factor_type}, failures, f"recovery {factor_type[:20]}")
    assert _state(client, full=False) == before, "a hostile answer created or removed a factor or session"

    enrolling = _user(client, "fuzz.enroll@example.com", [])
    assert enrolling["status"] == "MFA_ENROLL", enrolling
    token = enrolling["stateToken"]
    before = _state(client, full=False)
    for spec in BAD_FACTOR_SPECS:
        _post(client, "http://testserver/api/v1/authn/factors", {"stateToken": token, **spec}, failures,
              f"enroll {str(spec)[:80]}")
    assert _state(client, full=False) == before, "a bad factor was enrolled"

    enrolled = client.post("/api/v1/authn/factors", json={"stateToken": token, "factorType": "token:software:totp",
                                                          "provider": "GOOGLE"})
    assert enrolled.status_code == 200 and enrolled.json()["status"] == "MFA_ENROLL_ACTIVATE", enrolled.text
    activate = enrolled.json()["_links"]["next"]["href"]
    before = _state(client, full=False)
    for answer in ANSWERS:
        _post(client, activate, {"stateToken": token, "passCode": answer}, failures, f"activate passCode={str(answer)[:20]}")
    assert _state(client, full=False) == before, "a bad activation code changed the factors"
    assert not failures, f"{len(failures)} hostile requests misbehaved:\n" + "\n".join(failures[:40])
