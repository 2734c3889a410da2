"""`GET /api/v1/users` queries: `q`, `filter` and `search` expressions, sorting and the `after` cursor.

The expression language is the subset of Okta's SCIM-like filter syntax that clients use:
`attr op "value"` with `and`, `or` and parentheses; `attr pr`. `filter` allows what Okta's filter allows
(`eq` on status, id, profile.login/email/firstName/lastName, and comparisons on lastUpdated); `search`
allows `eq`, `sw`, `gt`, `ge`, `lt`, `le` and `pr` on any attribute, plus `sortBy`/`sortOrder`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Literal, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mockfinra.clock import parse_instant
from mockfinra.errors import OktaError
from mockfinra.identity.classic.user_views import USER_TYPE_ID, profile_json
from mockfinra.store.users import User

Mode = Literal["filter", "search"]
MAX_LIMIT = 200
DEFAULT_LIMIT = 200
DEFAULT_Q_LIMIT = 10

_DATES = {
    "created": "created_at",
    "activated": "activated_at",
    "statusChanged": "status_changed_at",
    "lastUpdated": "last_updated_at",
    "lastLogin": "last_login_at",
    "passwordChanged": "password_changed_at",
}
_FILTER_EQ = {
    "status",
    "id",
    "lastUpdated",
    "profile.login",
    "profile.email",
    "profile.firstName",
    "profile.lastName",
}
_FILTER_COMPARE = {"lastUpdated"}
_SEARCH_OPS = {"eq", "sw", "gt", "ge", "lt", "le", "pr"}
_TOKEN = re.compile(
    r'\s*(?:(?P<lparen>\()|(?P<rparen>\))|"(?P<string>(?:[^"\\]|\\.)*)"|(?P<word>[A-Za-z0-9_.:+\-]+))'
)


def bad_filter(detail: str) -> OktaError:
    return OktaError("E0000031", causes=[detail])


# --- parsing ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    attribute: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class Logical:
    op: str  # "and" | "or"
    parts: tuple[Any, ...]


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise bad_filter(
                f"Unexpected character at position {position}: {text[position : position + 10]!r}"
            )
        kind = match.lastgroup or ""
        value = match.group(kind) if kind else ""
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value)
        out.append((kind, value))
        position = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise bad_filter("The expression ends too early.")
        self.index += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() == word:
            self.index += 1
            return True
        return False

    def parse(self) -> Any:
        if not self.tokens:
            raise bad_filter("The expression is empty.")
        node = self.expression()
        if self.peek() is not None:
            raise bad_filter(f"Unexpected {self.peek()[1]!r} after a complete expression.")  # type: ignore[index]
        return node

    def expression(self) -> Any:
        parts = [self.conjunction()]
        while self.keyword("or"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Logical("or", tuple(parts))

    def conjunction(self) -> Any:
        parts = [self.primary()]
        while self.keyword("and"):
            parts.append(self.primary())
        return parts[0] if len(parts) == 1 else Logical("and", tuple(parts))

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "lparen":
            node = self.expression()
            if self.take()[0] != "rparen":
                raise bad_filter("A closing parenthesis is missing.")
            return node
        if kind != "word":
            raise bad_filter(f"Expected an attribute name, found {value!r}.")
        attribute = value
        op_kind, op = self.take()
        op = op.lower()
        if op_kind != "word":
            raise bad_filter(f"Expected an operator after {attribute!r}.")
        if op == "pr":
            return Comparison(attribute, "pr")
        value_kind, literal = self.take()
        if value_kind == "string":
            return Comparison(attribute, op, literal)
        if value_kind == "word" and literal.lower() in ("true", "false", "null"):
            return Comparison(attribute, op, {"true": True, "false": False, "null": None}[literal.lower()])
        if value_kind == "word" and re.fullmatch(r"-?\d+(\.\d+)?", literal):
            return Comparison(attribute, op, float(literal) if "." in literal else int(literal))
        raise bad_filter(f'Values must be quoted: {attribute} {op} "...".')


def parse(text: str, mode: Mode) -> Any:
    """Parse and check an expression against what `mode` allows (E0000031 otherwise)."""
    node = _Parser(text).parse()
    _check(node, mode)
    return node


def _check(node: Any, mode: Mode) -> None:
    if isinstance(node, Logical):
        for part in node.parts:
            _check(part, mode)
        return
    name, op = node.attribute, node.op
    known = name in ("id", "status", "type.id") or name in _DATES or name.startswith("profile.")
    if not known:
        raise bad_filter(f"Unknown attribute {name!r}.")
    if mode == "filter":
        if name not in _FILTER_EQ:
            raise bad_filter(f"filter does not support {name!r}; use search.")
        if op != "eq" and not (name in _FILTER_COMPARE and op in ("gt", "ge", "lt", "le")):
            raise bad_filter(f"filter does not support the operator {op!r} on {name!r}; use search.")
    elif op not in _SEARCH_OPS:
        raise bad_filter(f"Unsupported operator {op!r}.")
    if name in _DATES and op != "pr":
        try:
            parse_instant(str(node.value))
        except ValueError:
            raise bad_filter(f"{name}: {node.value!r} is not a date (yyyy-MM-ddTHH:mm:ss.SSSZ).") from None


# --- evaluation ---------------------------------------------------------------------------------------


def attribute(user: User, name: str, profile: dict[str, Any] | None = None) -> Any:
    if name == "id":
        return user.id
    if name == "status":
        return user.status
    if name == "type.id":
        return USER_TYPE_ID
    if name in _DATES:
        return getattr(user, _DATES[name])
    return (profile if profile is not None else profile_json(user)).get(name.split(".", 1)[1])


def _compare(actual: Any, op: str, expected: Any, exact: bool) -> bool:
    if isinstance(actual, list):
        return any(_compare(item, op, expected, exact) for item in actual)
    if op == "pr":
        return actual not in (None, "")
    if actual is None or expected is None:
        return op == "eq" and actual is None and expected is None
    if isinstance(actual, datetime):
        expected = parse_instant(str(expected))
    elif isinstance(actual, str):
        expected = str(expected)
        if not exact:
            actual, expected = actual.casefold(), expected.casefold()
    elif type(actual) is not type(expected) and not (
        isinstance(actual, (int, float)) and isinstance(expected, (int, float))
    ):
        return False
    try:
        if op == "eq":
            return bool(actual == expected)
        if op == "sw":
            return isinstance(actual, str) and actual.startswith(expected)
        return {
            "gt": actual > expected,
            "ge": actual >= expected,
            "lt": actual < expected,
            "le": actual <= expected,
        }[op]
    except TypeError:
        return False


def matches(node: Any, user: User, mode: Mode, profile: dict[str, Any] | None = None) -> bool:
    profile = profile if profile is not None else profile_json(user)
    if isinstance(node, Logical):
        results = (matches(part, user, mode, profile) for part in node.parts)
        return all(results) if node.op == "and" else any(results)
    # filter values are case-sensitive as in Okta, except logins (Okta logins ignore case)
    exact = mode == "filter" and node.attribute != "profile.login"
    return _compare(attribute(user, node.attribute, profile), node.op, node.value, exact)


def matches_q(user: User, q: str) -> bool:
    """`q`: a starts-with match on login, email, first or last name (case-insensitive)."""
    needle = q.strip().casefold()
    fields = (user.login, user.email, user.first_name, user.last_name)
    return any((value or "").casefold().startswith(needle) for value in fields)


# --- ordering and paging ------------------------------------------------------------------------------


def _sort_value(value: Any) -> tuple[int, str]:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or value == "":
        return (1, "")
    if isinstance(value, datetime):
        return (0, value.isoformat())
    if isinstance(value, (int, float)):
        return (0, f"{value:030.6f}")
    return (0, str(value).casefold())


def sort_key(sort_by: str | None) -> Callable[[User], tuple[Any, ...]]:
    if sort_by:
        return lambda user: (_sort_value(attribute(user, sort_by)), user.id)
    return lambda user: (user.created_at.isoformat(), user.id)


@dataclass
class Query:
    q: str | None = None
    filter: str | None = None
    search: str | None = None
    sort_by: str | None = None
    sort_order: str = "asc"
    limit: int = DEFAULT_LIMIT
    after: str | None = None


def parse_limit(raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise OktaError("E0000001", "limit", [f"limit: '{raw}' is not a number"]) from None
    if value < 1:
        raise OktaError("E0000001", "limit", ["limit: must be at least 1"])
    return min(value, MAX_LIMIT)


def build_query(
    q: str | None,
    filter_: str | None,
    search: str | None,
    sort_by: str | None,
    sort_order: str | None,
    limit: str | None,
    after: str | None,
) -> Query:
    """Validate the list parameters (E0000033 when more than one of q/filter/search is given)."""
    given = [name for name, value in (("q", q), ("filter", filter_), ("search", search)) if value]
    if len(given) > 1:
        raise OktaError(
            "E0000033", causes=[f"Give only one of q, filter and search (got {', '.join(given)})."]
        )
    order = (sort_order or "asc").lower()
    if order not in ("asc", "desc"):
        raise OktaError("E0000001", "sortOrder", ["sortOrder: must be asc or desc"])
    if sort_by and not search:
        sort_by = None  # Okta: sortBy applies to search queries only
    if sort_by:
        _check(Comparison(sort_by, "pr"), "search")
    return Query(
        q=q or None,
        filter=filter_ or None,
        search=search or None,
        sort_by=sort_by or None,
        sort_order=order,
        limit=parse_limit(limit, DEFAULT_Q_LIMIT if q else DEFAULT_LIMIT),
        after=after or None,
    )


def run(db: Session, query: Query) -> tuple[list[User], bool]:
    """One page of matching users and whether more follow."""
    if query.filter:
        node, mode = parse(query.filter, "filter"), "filter"
    elif query.search:
        node, mode = parse(query.search, "search"), "search"
    else:
        node, mode = None, None
    users: Sequence[User] = db.scalars(select(User)).all()
    if node is not None:
        matched = [user for user in users if matches(node, user, mode)]  # type: ignore[arg-type]
    else:
        # Okta leaves DEPROVISIONED users out unless a filter or search asks for them.
        matched = [user for user in users if user.status != "DEPROVISIONED"]
        if query.q:
            matched = [user for user in matched if matches_q(user, query.q)]
    key = sort_key(query.sort_by)
    descending = query.sort_order == "desc"
    matched.sort(key=key, reverse=descending)
    if query.after:
        cursor = db.get(User, query.after)
        if cursor is None:
            raise OktaError("E0000029", causes=[f"Unknown cursor {query.after!r}."])
        mark = key(cursor)
        matched = [user for user in matched if (key(user) < mark if descending else key(user) > mark)]
    return matched[: query.limit], len(matched) > query.limit
