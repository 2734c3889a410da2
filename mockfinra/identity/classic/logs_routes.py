"""Okta's System Log API subset: `GET /api/v1/logs` over the recorded sign-in events.

`since` (default: 7 days before `until` or now, on the mock clock), `until`, `filter` (Okta's expression
syntax: `eventType eq "user.session.start" and outcome.result eq "FAILURE"`; `eq`, `ne`, `sw`, `co`, `pr`
on any LogEvent attribute path), `q` (keywords, all must appear), `limit` (1-1000, default 100),
`sortOrder` (ASCENDING, DESCENDING) and `after` (the cursor the `next` link carries). As Okta, a polling
request (ASCENDING without `until`) always gets a `next` link; a bounded one only while more remain.

Guarded like the Users API: the admin token (SSWS, Bearer or X-Mock-Token) when one is configured.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from mockfinra.clock import parse_instant
from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import OktaError
from mockfinra.identity.classic.log_views import log_events
from mockfinra.identity.classic.user_search import Comparison, Logical, _compare, _Parser, bad_filter
from mockfinra.identity.classic.users_routes import require_api_token
from mockfinra.links import Links
from mockfinra.store.events import SignInEvent

PATH = "/api/v1/logs"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
DEFAULT_WINDOW = timedelta(days=7)
LOG_OPS = {"eq", "ne", "sw", "co", "pr", "gt", "ge", "lt", "le"}

router = APIRouter(tags=["Okta System Log API"])


def _instant(name: str, value: str | None) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = parse_instant(value)
        moment - DEFAULT_WINDOW  # the default window must fit too
        return moment
    except (ValueError, OverflowError):
        raise OktaError(
            "E0000001", name, [f"{name}: The date format in your query is not recognized. Please enter dates "
                               "using ISO 8601 string format."]
        ) from None


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise OktaError("E0000001", "limit", [f"limit: must be a number from 1 to {MAX_LIMIT}"])
    return int(raw)


def _value(event: dict[str, Any], path: str) -> Any:
    """The value at a dotted attribute path; over a list (target), every element's."""
    values: list[Any] = [event]
    for part in path.split("."):
        nxt: list[Any] = []
        for value in values:
            if isinstance(value, list):
                value = [item.get(part) for item in value if isinstance(item, dict)]
                nxt.extend(value)
            elif isinstance(value, dict) and part in value:
                nxt.append(value[part])
        values = nxt
    flat = [item for value in values for item in (value if isinstance(value, list) else [value])]
    return flat if len(flat) != 1 else flat[0]


def _check(node: Any) -> None:
    if isinstance(node, Logical):
        for part in node.parts:
            _check(part)
    elif node.op not in LOG_OPS:
        raise bad_filter(f"Unsupported operator {node.op!r}.")


def _matches(node: Any, event: dict[str, Any]) -> bool:
    if isinstance(node, Logical):
        results = (_matches(part, event) for part in node.parts)
        return all(results) if node.op == "and" else any(results)
    assert isinstance(node, Comparison)
    actual = _value(event, node.attribute)
    if node.op == "ne":
        return not _compare(actual, "eq", node.value, exact=True)
    if node.op == "co":
        texts = actual if isinstance(actual, list) else [actual]
        return any(isinstance(text, str) and str(node.value).casefold() in text.casefold() for text in texts)
    return _compare(actual, node.op, node.value, exact=True)


def _searchable(event: dict[str, Any]) -> str:
    parts = [event["eventType"], event["displayMessage"], event["outcome"]["result"], event["outcome"]["reason"],
             event["actor"]["alternateId"], event["actor"]["displayName"], event["actor"]["id"],
             event["client"]["ipAddress"], event["client"]["userAgent"]["rawUserAgent"]]
    return " ".join(str(part) for part in parts if part).casefold()


def _link(request: Request, params: dict[str, str], rel: str) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f'<{Links(request).url(PATH)}{"?" + query if query else ""}>; rel="{rel}"'


@router.get(PATH, dependencies=[Depends(require_api_token)])
def system_log(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """LogEvents of sign-ins, MFA checks and lockouts."""
    args = request.query_params
    until = _instant("until", args.get("until"))
    since = _instant("since", args.get("since"))
    if since is None:
        since = (until or ctx.clock.now()) - DEFAULT_WINDOW
    if until is not None and until < since:
        raise OktaError("E0000001", "until", ["until: must not be before since"])
    limit = _limit(args.get("limit"))
    order = (args.get("sortOrder") or "ASCENDING").upper()
    if order not in ("ASCENDING", "DESCENDING"):
        raise OktaError("E0000001", "sortOrder", ["sortOrder: must be ASCENDING or DESCENDING"])
    node = None
    if args.get("filter"):
        node = _Parser(args["filter"]).parse()
        _check(node)
    keywords = (args.get("q") or "").casefold().split()

    query = select(SignInEvent).where(SignInEvent.at >= since).order_by(SignInEvent.seq)
    if until is not None:
        query = query.where(SignInEvent.at < until)
    with ctx.store.transaction() as db:
        events = log_events(list(db.scalars(query)))
    events = [e for e in events if (node is None or _matches(node, e))
              and all(word in _searchable(e) for word in keywords)]
    if order == "DESCENDING":
        events.reverse()
    after = args.get("after")
    if after:
        position = next((i for i, e in enumerate(events) if e["uuid"] == after), None)
        if position is None:
            raise OktaError("E0000029")
        events = events[position + 1:]
    page, more = events[:limit], len(events) > limit

    params = {key: args.get(key) for key in ("since", "until", "filter", "q", "sortOrder")}
    params["limit"] = str(limit)
    links = [_link(request, {**params, "after": after or ""}, "self")]
    polling = order == "ASCENDING" and until is None
    if more or polling:
        cursor = page[-1]["uuid"] if page else after
        next_params = {**params, "after": cursor or ""}
        if not cursor:
            next_params["since"] = args.get("since") or ""
        links.append(_link(request, next_params, "next"))
    return JSONResponse(page, headers={"Link": ", ".join(links)})
