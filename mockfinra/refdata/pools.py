"""Name pools built once per seed from Faker's word lists (never one Faker call per row).

Importing Faker costs ~0.35 s and each `Faker()` call ~0.1 ms; the pools below take its en_US
provider data (surnames, catch-phrase nouns, states) straight from Faker's data files and combine
them with one seeded `random.Random`: the same realistic names in a few milliseconds.
"""

from __future__ import annotations

import ast
import importlib.util
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mockfinra.refdata.mixing import derive_seed

INDUSTRIES = (
    "BANCORP",
    "ENERGY",
    "POWER",
    "PHARMACEUTICALS",
    "HOLDINGS",
    "FINANCIAL",
    "REALTY",
    "MINING",
    "TECHNOLOGIES",
    "FOODS",
    "MOTORS",
    "COMMUNICATIONS",
    "INDUSTRIES",
    "CAPITAL",
    "RESOURCES",
    "HEALTHCARE",
    "UTILITIES",
    "SYSTEMS",
    "BRANDS",
    "LOGISTICS",
    "INSURANCE",
    "PROPERTIES",
    "THERAPEUTICS",
    "SEMICONDUCTOR",
    "AIRLINES",
    "CHEMICALS",
    "STEEL",
    "PIPELINE",
    "GAS",
    "RETAIL",
)
CORPORATE_SUFFIXES = ("INC", "CORP", "CO", "LLC", "LP", "LTD", "PLC", "GROUP INC", "HOLDINGS INC")
FIRM_FORMS = (
    "{a} SECURITIES LLC",
    "{a} {b} & CO",
    "{a} CAPITAL MARKETS LLC",
    "{a} FINANCIAL SERVICES INC",
    "{a} & {b} LLC",
    "{s} SECURITIES CORP",
    "{a} BROKERAGE INC",
    "{a} {b} SECURITIES INC",
    "{a} INVESTMENT SERVICES LLC",
    "{s} CAPITAL LLC",
)


@dataclass(frozen=True)
class NamePools:
    surnames: tuple[str, ...]
    nouns: tuple[str, ...]
    states: tuple[str, ...]
    companies: tuple[str, ...]
    firms: tuple[str, ...]


def _clean(text: str) -> str:
    """Upper-case ASCII with single spaces (FINRA files carry upper-case names, never a pipe)."""
    ascii_text = text.encode("ascii", "ignore").decode().upper()
    return re.sub(r"[^A-Z0-9&.,' -]+", " ", ascii_text).replace("  ", " ").strip()


def _faker_words() -> tuple[list[str], list[str], list[str]]:
    """Faker's en_US surnames, catch-phrase nouns and state names.

    Read straight from Faker's provider sources with `ast`: importing `faker` costs ~0.35 s because
    `faker.config` imports every locale. Falls back to a normal import if the layout ever changes.
    """
    try:
        spec = importlib.util.find_spec("faker")
        if spec is None or spec.origin is None:
            raise LookupError("faker is not installed")
        root = Path(spec.origin).parent / "providers"
        last = _literal(root / "person" / "en_US" / "__init__.py", "last_names")
        phrases = _literal(root / "company" / "__init__.py", "catch_phrase_words")
        states = _literal(root / "address" / "en_US" / "__init__.py", "states")
        surnames = [
            item[0] if isinstance(item, tuple) else item
            for item in (last.items() if isinstance(last, dict) else last)
        ]
        return (
            [str(name) for name in surnames],
            [str(word) for word in phrases[2]],
            [str(state) for state in states],
        )
    except (LookupError, OSError, SyntaxError, ValueError, TypeError, IndexError):
        from faker.providers.address.en_US import Provider as Address
        from faker.providers.company import Provider as Company
        from faker.providers.person.en_US import Provider as Person

        return list(Person.last_names), list(Company.catch_phrase_words[2]), list(Address.states)


def _literal(path: Path, name: str) -> Any:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            value = node.value
            if isinstance(value, ast.Call) and value.args:  # OrderedDict((...))
                value = value.args[0]
            return ast.literal_eval(value)  # type: ignore[arg-type]
    raise LookupError(f"{name} not found in {path}")


@lru_cache(maxsize=8)
def name_pools(seed: int, companies: int = 16384, firms: int = 4096) -> NamePools:
    """The pools for one seed (memoised: a pure function of its arguments)."""
    last_names, phrase_nouns, state_names = _faker_words()
    rng = random.Random(derive_seed(seed, "pools"))
    surnames = tuple(dict.fromkeys(_clean(name) for name in last_names))
    nouns = tuple(dict.fromkeys(_clean(word.replace("-", " ")) for word in phrase_nouns))
    nouns = tuple(noun for noun in nouns if noun and len(noun) <= 14)
    states = tuple(_clean(state) for state in state_names)

    def company() -> str:
        form = rng.random()
        suffix = rng.choice(CORPORATE_SUFFIXES)
        if form < 0.45:
            return f"{rng.choice(surnames)} {rng.choice(INDUSTRIES)} {suffix}"
        if form < 0.65:
            return f"{rng.choice(surnames)} {rng.choice(nouns)} {suffix}"
        if form < 0.8:
            return f"{rng.choice(surnames)}-{rng.choice(surnames)} {suffix}"
        if form < 0.92:
            return f"{rng.choice(states)} {rng.choice(INDUSTRIES)} {suffix}"
        return f"{rng.choice(nouns)} {rng.choice(INDUSTRIES)} {suffix}"

    def firm() -> str:
        return rng.choice(FIRM_FORMS).format(
            a=rng.choice(surnames), b=rng.choice(surnames), s=rng.choice(states)
        )

    return NamePools(
        surnames=surnames,
        nouns=nouns,
        states=states,
        companies=_unique(company, companies),
        firms=_unique(firm, firms),
    )


def _unique(make: object, count: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    attempts = 0
    while len(seen) < count and attempts < count * 4:
        seen[make()] = None  # type: ignore[operator]
        attempts += 1
    return tuple(seen)
