"""What a fault is: rules that pick requests, and one action (a status, a delay, a dropped connection, a
truncated or slow body). Validated once, on the way in; the store keeps the validated JSON."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SITES = ("mfa", "traqs", "apidownload", "download", "any")
DROP_MODES = ("close", "reset")


class DelayRange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min: int = Field(ge=0, le=600_000)
    max: int = Field(ge=0, le=600_000)

    @model_validator(mode="after")
    def _ordered(self) -> "DelayRange":
        if self.max < self.min:
            raise ValueError("delay_ms: max must be at least min")
        return self


class SlowBody(BaseModel):
    """Send the body `chunk_bytes` at a time, `delay_ms` apart."""

    model_config = ConfigDict(extra="forbid")
    chunk_bytes: int = Field(default=1024, ge=1, le=10_000_000)
    delay_ms: int = Field(default=100, ge=0, le=60_000)


class FaultSpec(BaseModel):
    """The body of `POST /_mock/faults` (also one entry of the `MOCKFINRA_FAULTS` file)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    # --- which requests ---------------------------------------------------------------------
    site: Literal["mfa", "traqs", "apidownload", "download", "any"] = "any"
    method: list[str] | None = Field(default=None, description="HTTP method(s); omitted: any")
    path: str | None = Field(default=None, description="glob on the path, with or without the site prefix")
    params: dict[str, str] = Field(default_factory=dict, description="exact query or form parameters")
    user: str | None = Field(default=None, description="login named by the request (Basic, bearer sub, username)")
    skip: int = Field(default=0, ge=0, le=10**9, description="let this many matching requests through first")
    times: int | None = Field(default=None, ge=1, le=10**9, description="then fire this many times; omitted: until removed")
    probability: float = Field(default=1.0, ge=0.0, le=1.0)
    # --- what happens -----------------------------------------------------------------------
    status: int | None = Field(default=None, ge=200, le=599)
    body: str | dict[str, Any] | list[Any] | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    message: str | None = Field(default=None, max_length=2000, description="text of the default error body")
    retry_after: int | None = Field(default=None, ge=0, le=86_400, description="Retry-After seconds (429, 503)")
    page: Literal["maintenance"] | None = Field(default=None, description="HTML pages get this page")
    delay_ms: int | DelayRange | None = Field(default=None, description="ms, or {min, max} for a random delay")
    drop: bool | Literal["close", "reset"] | None = None
    truncate_bytes: int | None = Field(default=None, ge=0, le=2**40)
    slow: SlowBody | None = None
    # --- bookkeeping ------------------------------------------------------------------------
    expires_in: float | None = Field(default=None, gt=0, le=10 * 365 * 86400, alias="ttl", description="mock seconds until it expires")
    name: str | None = Field(default=None, max_length=200)

    @field_validator("method", mode="before")
    @classmethod
    def _methods(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            methods = [str(m).strip().upper() for m in value if str(m).strip()]
            return None if not methods or "*" in methods or "ANY" in methods else methods
        return value

    @field_validator("delay_ms", mode="before")
    @classmethod
    def _delay(cls, value: Any) -> Any:
        if isinstance(value, list):
            if len(value) != 2:
                raise ValueError("delay_ms: a number of ms, [min, max] or {min, max}")
            return {"min": value[0], "max": value[1]}
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= 600_000:
            raise ValueError("delay_ms: between 0 and 600000")
        return value

    @field_validator("drop")
    @classmethod
    def _drop(cls, value: Any) -> Any:
        return "close" if value is True else (None if value is False else value)

    @field_validator("path")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("/", "*")):
            raise ValueError("path: a glob starting with / or *")
        return value

    @model_validator(mode="after")
    def _one_action(self) -> "FaultSpec":
        exclusive = [name for name in ("status", "drop", "truncate_bytes") if getattr(self, name) is not None]
        if len(exclusive) > 1:
            raise ValueError(f"give one action, not {' and '.join(exclusive)} (delay_ms may come with any)")
        if self.slow is not None and (self.status is not None or self.drop is not None):
            raise ValueError("slow: slows a real body; it cannot come with status or drop")
        if not exclusive and self.delay_ms is None and self.slow is None:
            raise ValueError("give an action: status, delay_ms, drop, truncate_bytes or slow")
        if self.status is None and (self.body is not None or self.headers or self.message or self.page):
            raise ValueError("body, headers, message and page go with status")
        return self

    @property
    def needs_body(self) -> bool:
        """Whether matching may have to read the request body (form parameters, a username in it)."""
        return bool(self.params) or self.user is not None

    def stored(self) -> dict[str, Any]:
        """The JSON kept in the store and shown by `GET /_mock/faults` (defaults left out)."""
        return self.model_dump(mode="json", exclude_defaults=True, by_alias=False)
