"""What a tenant name may be: short, lower-case, usable as a path segment, a file name and a schema name."""

from __future__ import annotations

import re

NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
_NAME = re.compile(NAME_PATTERN)

#: the path prefix that chooses a tenant: `/t/{name}/...`
PATH_PREFIX = "/t/"
#: the header that chooses a tenant (links then carry no prefix)
HEADER = b"x-mock-tenant"


class BadTenantName(ValueError):
    """The name is not a tenant name; the message says what one is."""


def check_name(name: str) -> str:
    """`name` when it is a valid tenant name, else BadTenantName."""
    if not _NAME.fullmatch(name):
        shown = name if len(name) <= 60 else name[:60] + "..."
        raise BadTenantName(
            f"{shown!r} is not a tenant name: 1 to 40 characters, lower-case letters, digits and '-', "
            "starting with a letter or digit."
        )
    return name
