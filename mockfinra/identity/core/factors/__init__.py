"""Factor plugins: one module per factor kind, each registering a `FactorPlugin` subclass.

The authn state machine (`identity/authn/machine.py`), `POST /_mock/users` and the seed never know a
factor kind by name: they look plugins up here. To add a kind, drop a module into this package that
defines a subclass of `base.FactorPlugin` decorated with `@register`; every module of the package is
imported on first use of the registry, so nothing else changes.

The protocol (all methods have defaults in `FactorPlugin`; override what differs):

- class attributes: `factor_type` (Okta factorType), `providers` (first is the default), `id_prefixes`
  (per provider: `ufs` question, `ost` Okta TOTP, `uft` Google TOTP, `sms`, `clf`, `opf`), `amr` (added to
  the session's amr when the factor is verified), `needs_activation` (False: enroll makes it ACTIVE and the
  transaction succeeds at once), `response_field` (`passCode`/`answer`), `enrollable` (listed in MFA_ENROLL).
- `enroll(ctx, db, user, provider, profile, call) -> Factor`: validate (400 E0000001
  "Api validation failed: factorEnrollRequest" with cause "Invalid Profile.") and create the factor row.
- `activation_payload(ctx, links, factor) -> dict | None`: the factor's `_embedded.activation`.
- `activate(ctx, db, txn, factor, call) -> FactorOutcome`: `/lifecycle/activate` (default: `check`).
- `poll_activation`, `resend_activation`, `send_activation(channel)`: `/lifecycle/activate/poll`,
  `/lifecycle/resend`, `/lifecycle/activate/{email|sms}`; the routes exist, the defaults answer E0000079.
- `verify(ctx, db, txn, factor, call) -> FactorOutcome`: `/factors/{id}/verify`. Default: `check` when
  the body carries `response_field`, else `challenge`. A push plugin overrides it to answer polls.
- `challenge(ctx, db, txn, factor, call) -> FactorOutcome | None`: start a challenge without an answer
  (send an SMS, create a pending push). None: nothing to send; the machine shows MFA_CHALLENGE.
- `check(ctx, db, txn, factor, call) -> FactorOutcome`: check the answer.
- `resend_challenge(...)`: `/factors/{id}/verify/resend`; `leave_challenge(...)`: on `/previous`/`/cancel`.
- rendering: `public_profile(factor, masked)`, `enroll_links(links, user, provider)` (MFA_ENROLL entry),
  `activation_links(links, txn, factor)` (MFA_ENROLL_ACTIVATE: `next` activate or poll, `resend` array),
  `challenge_links(links, txn, factor)` (MFA_CHALLENGE: `next` verify or poll, `resend` array),
  `challenge_embedded(ctx, txn, factor)` (e.g. `{"challenge": {"correctAnswer": 92}}`),
  `policy_info(factor)` (`factorsPolicyInfo` entry), `qr_code_uri(ctx, factor, user, token)` (what
  `/api/v1/users/{uid}/factors/{fid}/qr/{token}` draws; None → 404).
- `start_activation(ctx, db, txn, factor, call) -> FactorOutcome | None`: right after enrollment of a
  factor that needs activation (sms sends the code; push answers CHALLENGE with factor_result WAITING).
- `provision(ctx, db, user, spec, hash_cost) -> (Factor, dict)`: an ACTIVE factor for `POST /_mock/users`
  and the seed; the dict is what the caller is told (secrets).

`FactorOutcome` is SUCCESS, CHALLENGE (with an optional `factor_result` such as WAITING, REJECTED or
TIMEOUT: the transaction's top-level `factorResult`) or FAILED (403 `code`, default E0000068, with
`causes`; counted toward the factor lockout when `counts`). The machine owns everything else: state
checks (E0000079), stateToken handling, lockout counters, amr and the final SUCCESS.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from typing import TypeVar

from mockfinra.identity.core.factors.base import FactorCall, FactorOutcome, FactorPlugin
from mockfinra.store.users import Factor

__all__ = [
    "FACTOR_TYPES",
    "FactorCall",
    "FactorOutcome",
    "FactorPlugin",
    "all_plugins",
    "plugin_for",
    "plugin_of",
    "register",
]

#: the factor types of the NASDAQ MFA service, in the order Okta lists them
FACTOR_TYPES = ("question", "token:software:totp", "sms", "call", "push")

_PLUGINS: list[FactorPlugin] = []
_loaded = False
_lock = threading.Lock()

P = TypeVar("P", bound=type[FactorPlugin])


def register(cls: P) -> P:
    """Class decorator: make a plugin known (one instance per class)."""
    if not any(type(plugin) is cls for plugin in _PLUGINS):
        _PLUGINS.append(cls())
    return cls


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


def all_plugins() -> list[FactorPlugin]:
    """Every registered plugin, in registration order (question, then totp, then the rest)."""
    _load()
    order = {name: index for index, name in enumerate(FACTOR_TYPES)}
    return sorted(_PLUGINS, key=lambda p: order.get(p.factor_type, len(order)))


def plugin_for(factor_type: str, provider: str | None = None) -> FactorPlugin | None:
    """The plugin serving `factor_type` (case-insensitive) and `provider` (default: its first)."""
    wanted = (factor_type or "").strip().lower()
    for plugin in all_plugins():
        if plugin.factor_type == wanted and (provider is None or provider.strip().upper() in plugin.providers):
            return plugin
    return None


def plugin_of(factor: Factor) -> FactorPlugin:
    plugin = plugin_for(factor.factor_type, factor.provider)
    if plugin is None:
        raise LookupError(f"no plugin for factor {factor.factor_type}/{factor.provider}")
    return plugin
