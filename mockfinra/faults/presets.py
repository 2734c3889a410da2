"""Named sets of faults, for the usual bad days: `POST /_mock/faults {"preset": "ntf-maintenance"}`.

A preset takes a few options (`expires_in`, `times`, `retry_after`, `delay_ms`) that apply to each of its
faults; anything else about them is fixed (create the faults yourself to go further).
"""

from __future__ import annotations

from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field

from mockfinra.faults.spec import FaultSpec


class PresetOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    preset: str
    expires_in: float | None = Field(default=None, gt=0, le=10 * 365 * 86400, alias="ttl")
    times: int | None = Field(default=None, ge=1, le=10**9)
    retry_after: int | None = Field(default=None, ge=0, le=86_400)
    delay_ms: int | None = Field(default=None, ge=0, le=600_000)


def _maintenance(options: PresetOptions) -> list[dict[str, Any]]:
    """Every site answers 503: Okta JSON on the API, OAuth JSON on the token endpoint, plain text on the
    download hosts and the maintenance page on every page."""
    return [{
        "name": "NTF maintenance window",
        "site": "any",
        "status": 503,
        "page": "maintenance",
        "retry_after": options.retry_after if options.retry_after is not None else 3600,
    }]


def _rate_limit(options: PresetOptions) -> list[dict[str, Any]]:
    """429 with Retry-After on the token endpoint and on both download hosts."""
    retry_after = options.retry_after if options.retry_after is not None else 60
    return [
        {"name": "API rate limit: token endpoint", "site": "mfa", "path": "/oauth2/*/v1/token", "status": 429,
         "retry_after": retry_after},
        {"name": "API rate limit: downloads", "site": "apidownload", "path": "*/DownloadHandler.ashx", "status": 429,
         "retry_after": retry_after},
        {"name": "API rate limit: legacy downloads", "site": "download", "path": "*/DownloadHandler.ashx",
         "status": 429, "retry_after": retry_after},
    ]


def _slow_download(options: PresetOptions) -> list[dict[str, Any]]:
    """Downloads wait before the first byte, then trickle in 16 KiB every 50 ms."""
    delay = options.delay_ms if options.delay_ms is not None else 2000
    slow = {"chunk_bytes": 16384, "delay_ms": 50}
    return [
        {"name": "slow download", "site": site, "path": "*/DownloadHandler.ashx", "delay_ms": delay, "slow": slow}
        for site in ("apidownload", "download")
    ]


PRESETS: dict[str, tuple[str, Callable[[PresetOptions], list[dict[str, Any]]]]] = {
    "ntf-maintenance": ("Every site answers 503 with its maintenance page or error body", _maintenance),
    "api-rate-limit": ("429 with Retry-After on the token endpoint and the download hosts", _rate_limit),
    "slow-download": ("Downloads wait 2 s before the first byte, then trickle", _slow_download),
}


def preset_specs(options: PresetOptions) -> list[FaultSpec]:
    """The faults of a preset, with the options applied; ValueError for an unknown name."""
    entry = PRESETS.get(options.preset)
    if entry is None:
        raise ValueError(f"preset: unknown {options.preset!r}; one of {', '.join(PRESETS)}")
    specs = []
    for raw in entry[1](options):
        if options.expires_in is not None:
            raw["expires_in"] = options.expires_in
        if options.times is not None:
            raw["times"] = options.times
        if options.delay_ms is not None and "status" in raw:
            raw["delay_ms"] = options.delay_ms
        specs.append(FaultSpec.model_validate(raw))
    return specs


def describe() -> list[dict[str, Any]]:
    return [
        {"name": name, "description": text, "faults": [s.stored() for s in preset_specs(PresetOptions(preset=name))]}
        for name, (text, _build) in PRESETS.items()
    ]
