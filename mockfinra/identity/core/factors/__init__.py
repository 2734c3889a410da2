"""Factor kinds: one module per kind, each registering a `FactorKind` subclass.

The authn transactions (`identity/core/authn.py`), `POST /_mock/users` and the seed never know a factor kind
by name: they look kinds up here. To add a kind, drop a module into this package that defines a subclass of
`base.FactorKind` decorated with `@register` (and give it a view in each wire format that should show it:
`identity/classic/factor_views.py`); every module of the package is imported on first use of the registry.

The protocol (all methods have defaults in `FactorKind`; override what differs). Every method reads a
normalised `FactorInput` (`passcode`, `answer`, `profile`, caller) filled in by the wire format:

- class attributes: `factor_type` (Okta factorType), `providers` (first is the default), `id_prefixes`
  (per provider: `ufs` question, `ost` Okta TOTP, `uft` Google TOTP, `sms`, `clf`, `opf`), `amr` (added to
  the session's amr when the factor is verified), `needs_activation` (False: enroll makes it ACTIVE),
  `answer_field` (`passcode`/`answer`/None), `enrollable` (offered for enrollment).
- `enroll(ctx, db, user, provider, given) -> Factor`: validate `given.profile` (400 E0000001
  "Api validation failed: factorEnrollRequest" with cause "Invalid Profile.") and create the factor row.
- `start_activation(...)`: right after enrollment of a factor that needs activation (sms sends the code;
  push answers CHALLENGE with factor_result WAITING).
- `activate`, `poll_activation`, `resend_activation`, `send_activation(channel)`: the activation steps.
- `verify(ctx, db, txn, factor, given) -> FactorOutcome`: `check` when `given` carries the answer, else
  `challenge`. A push kind overrides it to answer polls.
- `challenge(...) -> FactorOutcome | None`: start a challenge without an answer (send an SMS, create a
  pending push). None: nothing to send.
- `check(...) -> FactorOutcome`: check the answer; `resend_challenge(...)`; `leave_challenge(...)`.
- `qr_code_uri(ctx, factor, user, token)`: what the activation QR code encodes (None: no QR code).
- `provision(ctx, db, user, spec, hash_cost) -> (Factor, dict)`: an ACTIVE factor for `POST /_mock/users`
  and the seed; the dict is what the caller is told (secrets).

`FactorOutcome` is SUCCESS, CHALLENGE (with an optional `factor_result` such as WAITING, REJECTED or
TIMEOUT) or FAILED (403 `code`, default E0000068, with `causes`; counted toward the factor lockout when
`counts`). The transactions own everything else: state checks (E0000079), lockout counters, amr and the
final SUCCESS.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from typing import TypeVar

from mockfinra.identity.core.factors.base import FactorInput, FactorKind, FactorOutcome, challenging
from mockfinra.store.users import Factor

__all__ = [
    "FACTOR_TYPES",
    "FactorInput",
    "FactorKind",
    "FactorOutcome",
    "all_kinds",
    "challenging",
    "kind_for",
    "kind_of",
    "register",
    "unregister",
]

#: the factor types of the NASDAQ MFA service, in the order Okta lists them
FACTOR_TYPES = ("question", "token:software:totp", "sms", "call", "push")

_KINDS: list[FactorKind] = []
_loaded = False
_lock = threading.Lock()

K = TypeVar("K", bound=type[FactorKind])


def register(cls: K) -> K:
    """Class decorator: make a factor kind known (one instance per class)."""
    if not any(type(kind) is cls for kind in _KINDS):
        _KINDS.append(cls())
    return cls


def unregister(cls: type[FactorKind]) -> None:
    """Forget a kind registered by `register` (for tests that add one of their own)."""
    _KINDS[:] = [kind for kind in _KINDS if type(kind) is not cls]


def _load() -> None:
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if module.name != "base":
                importlib.import_module(f"{__name__}.{module.name}")
        _loaded = True


def all_kinds() -> list[FactorKind]:
    """Every registered kind, in Okta's order (question, totp, sms, call, push, then the rest)."""
    _load()
    order = {name: index for index, name in enumerate(FACTOR_TYPES)}
    return sorted(_KINDS, key=lambda kind: order.get(kind.factor_type, len(order)))


def kind_for(factor_type: str, provider: str | None = None) -> FactorKind | None:
    """The kind serving `factor_type` (case-insensitive) and `provider` (default: its first)."""
    wanted = (factor_type or "").strip().lower()
    for kind in all_kinds():
        if kind.factor_type == wanted and (provider is None or provider.strip().upper() in kind.providers):
            return kind
    return None


def kind_of(factor: Factor) -> FactorKind:
    kind = kind_for(factor.factor_type, factor.provider)
    if kind is None:
        raise LookupError(f"no factor kind for {factor.factor_type}/{factor.provider}")
    return kind
