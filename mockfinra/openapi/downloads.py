"""`DownloadHandler.ashx` on the API download host (`/apidownload`, Bearer access token) and the legacy one
(`/download`, Basic user id + password and a client certificate): GET, POST (form) and HEAD.

The routes are catch-alls (`/{path:path}`, matched case-insensitively as IIS does), so FastAPI cannot describe
them: this module does. Successful downloads are pipe-delimited text; `action=LIST` is plain text, or JSON
with `Accept: application/json`. Errors are plain text (`Error <status>: <message>`).
"""

from __future__ import annotations

from typing import Any, Callable

from mockfinra.openapi import responses as r
from mockfinra.openapi.bodies import FORM

PARAMETERS: dict[str, dict[str, Any]] = {
    "action": {"type": "string", "enum": ["DOWNLOAD", "LIST", "download", "list"]},
    "facility": {"type": "string", "enum": ["TRACE", "ADF", "ORF", "TRF", "trace", "adf", "orf", "trf"]},
    "file": {"type": "string", "pattern": "^[A-Za-z0-9_]{1,40}$"},
    "date": {"type": "string", "pattern": "^(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])(19[7-9][0-9]|2[0-9]{3})$"},
    "username": {"type": "string"},
}

FILE_HEADERS = {
    "ETag": {"schema": {"type": "string"}},
    "Last-Modified": {"schema": {"type": "string"}},
    "Content-Disposition": {"schema": {"type": "string"}},
}


def _responses(auth: str) -> dict[str, Any]:
    return {
        "200": {
            "description": "The file (pipe-delimited text with a header and a trailer row), or the listing",
            "headers": FILE_HEADERS,
            "content": {
                "text/plain; charset=utf-8": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        },
        "206": {"description": "The byte range asked for", "content": {"text/plain; charset=utf-8": {"schema": {"type": "string"}}}},
        "304": r.empty(304, "Not modified since the validator given"),
        "400": r.plain(400, "A missing or bad parameter (the message says which)"),
        "401": {**r.plain(401, f"No or bad credentials ({auth})"), "headers": dict(r.CHALLENGE)},
        "403": r.plain(403, "Not entitled to the facility, outside the NTF testing window, or not in this era"),
        "404": r.plain(404, "No such file for that day, or not the download handler"),
        "413": r.plain(413, "The request body is over the size limit"),
        "416": r.plain(416, "The byte range cannot be satisfied"),
    }


def _operation(method: str, site: str, auth: str, security: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": f"DownloadHandler.ashx ({site})",
        "operationId": f"{site}_download_{method}",
        "tags": ["downloads"],
        "responses": _responses(auth),
    }
    if security == "bearer":
        # the legacy host asks for its client certificate before any credentials, so it declares none here
        operation["security"] = [{security: []}]
    if method == "post":
        operation["parameters"] = [{"name": "action", "in": "query", "required": True, "schema": PARAMETERS["action"]}]
        fields = {name: schema for name, schema in PARAMETERS.items() if name != "action"}
        operation["requestBody"] = {"content": {FORM: {"schema": {"type": "object", "properties": fields}}}}
    else:
        operation["parameters"] = [
            {"name": name, "in": "query", "required": name == "action", "schema": schema}
            for name, schema in PARAMETERS.items()
        ]
    if method == "head":
        operation["responses"]["200"] = {"description": "The file's headers, no body", "headers": FILE_HEADERS}
    return operation


def _path(site: str, auth: str, security: str) -> Callable[[], dict[str, Any]]:
    return lambda: {method: _operation(method, site, auth, security) for method in ("get", "post", "head")}


def download_paths() -> dict[str, Callable[[], dict[str, Any]]]:
    return {
        "/apidownload/DownloadHandler.ashx": _path("apidownload", "Authorization: Bearer <access token>", "bearer"),
        "/download/DownloadHandler.ashx": _path("download", "Basic user id and password, and a client certificate", "basic"),
    }


SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "an access token from /oauth2/default/v1/token"},
    "basic": {"type": "http", "scheme": "basic", "description": "the NWSF user id and password (legacy host)"},
}
