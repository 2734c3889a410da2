"""What every domain function runs over: settings, the clock, the store and the outbox hub.

One `Context` hangs off each app (`app.state.ctx`); there is no global mutable state, so tests can
build many apps side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockfinra.clock import Clock
from mockfinra.eras import Era, era_profile
from mockfinra.outbox.hub import OutboxHub
from mockfinra.settings import Settings
from mockfinra.store import Store


@dataclass
class Context:
    settings: Settings
    clock: Clock
    store: Store
    outbox: OutboxHub
    #: lazily built per-app resources (signing keys, generated-file cache, ...), keyed by owner module
    resources: dict[str, Any] = field(default_factory=dict)
    ready: bool = False
    #: the era switched to at runtime (`POST /_mock/era`); None: `settings.era`
    era_override: str | None = None

    @property
    def era(self) -> Era:
        """The era profile in force (mockfinra/eras.py)."""
        return era_profile(self.era_override or self.settings.era)
