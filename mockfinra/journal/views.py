"""A journal entry as JSON (`GET /_mock/requests`), and as a HAR 1.2 log (`GET /_mock/requests.har`)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from mockfinra import __version__
from mockfinra.clock import isoformat_z
from mockfinra.store.journal import JournalEntry


def entry_json(entry: JournalEntry, bodies: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": entry.id,
        "time": isoformat_z(entry.at),
        "site": entry.site,
        "method": entry.method,
        "path": entry.path,
        "query": entry.query,
        "url": entry.url,
        "status": entry.status,
        "latency_ms": entry.latency_ms,
        "user": entry.user,
        "fault": entry.fault,
    }
    if bodies:
        out["request"] = dict(entry.request)
        out["response"] = dict(entry.response)
    return out


def _status_text(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _headers(pairs: list[list[str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _header(pairs: list[list[str]], name: str) -> str:
    return next((value for key, value in pairs if key.lower() == name), "")


def har_entry(entry: JournalEntry) -> dict[str, Any]:
    request, response = entry.request, entry.response
    request_headers = request.get("headers", [])
    response_headers = response.get("headers", [])
    har_request: dict[str, Any] = {
        "method": entry.method,
        "url": entry.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(request_headers),
        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(entry.query, keep_blank_values=True)],
        "headersSize": -1,
        "bodySize": request.get("size", 0),
    }
    if request.get("size"):
        har_request["postData"] = {"mimeType": request.get("mediaType") or "", "text": request.get("body") or ""}
    content: dict[str, Any] = {"size": response.get("size", 0), "mimeType": response.get("mediaType") or ""}
    if response.get("body") is not None:
        content["text"] = response["body"]
    if response.get("bodyOmitted"):
        content["comment"] = f"body not kept ({response['bodyOmitted']})"
    har: dict[str, Any] = {
        "startedDateTime": isoformat_z(entry.at),
        "time": entry.latency_ms,
        "request": har_request,
        "response": {
            "status": entry.status,
            "statusText": _status_text(entry.status) if entry.status else "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _headers(response_headers),
            "content": content,
            "redirectURL": _header(response_headers, "location"),
            "headersSize": -1,
            "bodySize": response.get("size", 0) if entry.status else -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": entry.latency_ms, "receive": 0},
        "_site": entry.site,
    }
    if entry.fault:
        har["_fault"] = entry.fault
    if entry.user:
        har["_user"] = entry.user
    return har


def har_log(entries: list[JournalEntry]) -> dict[str, Any]:
    """HAR 1.2: oldest entry first; times are the mock clock's."""
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "mockfinra", "version": __version__},
            "pages": [],
            "entries": [har_entry(entry) for entry in sorted(entries, key=lambda e: e.id)],
        }
    }
