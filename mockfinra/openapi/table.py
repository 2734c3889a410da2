"""What given operations answer besides their surface's errors: redirects, pages, downloads, domain errors
(403, 409, 429...), and the bodies of endpoints that read their form themselves.

Keys are `"METHOD /path"` as in the document. A value maps a status to a response object (from
`mockfinra.openapi.responses`); `None` removes a status FastAPI assumed (a 200 that is really a redirect).
"""

from __future__ import annotations

from typing import Any, Callable

Responses = dict[str, Any]

OPERATIONS: dict[str, dict[str, Any]] = {}

#: operations FastAPI cannot see (catch-all routes), path → builder of their path item
EXTRA_PATHS: dict[str, Callable[[], dict[str, Any]]] = {}


def apply(operation: dict[str, Any], method: str, path: str) -> None:
    spec = OPERATIONS.get(f"{method.upper()} {path}")
    if not spec:
        return
    responses = operation.setdefault("responses", {})
    for status, response in spec.get("responses", {}).items():
        if response is None:
            responses.pop(str(status), None)
        else:
            responses[str(status)] = response
    if "requestBody" in spec:
        operation["requestBody"] = spec["requestBody"]
    for parameter in spec.get("parameters", ()):
        operation.setdefault("parameters", []).append(parameter)
