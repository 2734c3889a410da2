"""The one settings object. Every field is also an environment variable `MOCKFINRA_<NAME>`.

Fields marked ASSUMPTION choose a plausible value where the real NASDAQ MFA / FINRA behaviour is
not documented (see ../shared/reference); README lists them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

from mockfinra.resources import DATA_DIR, TEMPLATES_DIR

__all__ = ["DATA_DIR", "MEMORY_DB", "TEMPLATES_DIR", "Settings", "settings_reference"]

MEMORY_DB = "sqlite://"


def is_memory_url(url: str) -> bool:
    """Whether a store URL keeps its state in this process's memory (as `Store` decides it)."""
    return url in ("sqlite://", "sqlite:///:memory:") or (url.startswith("sqlite") and "mode=memory" in url)


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


CsvList = Annotated[list[str], NoDecode, BeforeValidator(_split_csv)]


def _check_smtp_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    from mockfinra.outbox.smtp_url import parse_smtp_url

    parse_smtp_url(value)  # ValueError → a settings validation error naming smtp_url
    return value.strip()


SmtpUrl = Annotated[str | None, AfterValidator(_check_smtp_url)]


def _check_trusted_origins(value: list[str]) -> list[str]:
    from mockfinra.origins import parse_entry

    for entry in value:
        parse_entry(entry)  # ValueError → a settings validation error naming trusted_origins
    return value


TrustedOriginList = Annotated[list[str], NoDecode, BeforeValidator(_split_csv), AfterValidator(_check_trusted_origins)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCKFINRA_", extra="ignore", validate_default=True)

    # --- server -----------------------------------------------------------------------------
    host: str = Field(default="127.0.0.1", description="interface to bind")
    port: int = Field(default=8400, description="TCP port of every site")
    db: str = Field(
        default="sqlite:///mockfinra.db",
        description="SQLAlchemy URL; 'memory' (or 'sqlite://') keeps state in memory only",
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="worker processes serving one port; above 1 they share the clock, the era, caches and "
        "wake-ups through the store (a SQLite file or PostgreSQL, not memory; docs/workers.md)",
    )
    shared_store: bool = Field(
        default=False,
        description="other servers (replicas behind a proxy) use this store too: share the clock, the era, caches "
        "and wake-ups through it as workers do (on with workers above 1; docs/workers.md)",
    )
    db_upgrade_on_start: bool = Field(
        default=True,
        description="at start, migrate an older database to the current schema (else refuse it: `mockfinra db upgrade`)",
    )
    seed: Path = Field(
        default=DATA_DIR / "seed.toml",
        description="seed file (TOML) loaded at first start and by POST /_mock/reset",
    )
    seed_invitations: bool = Field(
        default=True,
        description="email the seed's PROVISIONED users their invitation when the seed is loaded (first start, reset)",
    )
    admin_token: str | None = Field(default=None, description="when set, /_mock and the Users API require it")
    max_body_bytes: int = Field(default=1_048_576, description="larger request bodies get 413")
    log_level: str = Field(default="warning", description="uvicorn log level")
    org_name: str = Field(
        default="NASDAQ MFA NTF", description="issuer shown by authenticator apps (TOTP otpauth URIs)"
    )

    # Real NTF host names; a request whose Host is one of these is served that site at '/'.
    mfa_hosts: CsvList = Field(
        default=["mpp-test.nasdaq.com"], description="real host names served the MFA service at /"
    )
    traqs_hosts: CsvList = Field(
        default=["www-ntf.finratraqs.org", "beta-ntf.finratraqs.org"],
        description="real host names served TRAQS at /",
    )
    apidownload_hosts: CsvList = Field(
        default=["apidownload-ntf.finratraqs.org", "download-ntf2.finratraqs.org"],
        description="real host names served the API download host at /",
    )
    download_hosts: CsvList = Field(
        default=["download-ntf.finratraqs.org"],
        description="real host names served the legacy download host at /",
    )

    # --- HTTP hardening (issue 11) ------------------------------------------------------------
    allowed_hosts: CsvList = Field(
        default=[],
        description="Host names served besides loopback, the NTF host names and the bind address ('*': any; "
        "other names get 400, against DNS rebinding)",
    )
    http_parser: Literal["h11", "httptools"] = Field(
        default="h11",
        description="HTTP/1.1 parser: h11 enforces the header limits (httptools parses a huge header for seconds)",
    )
    keep_alive_timeout_seconds: float = Field(
        default=75.0,
        gt=0,
        description="idle keep-alive connections close after this long (above the pool expiry of common clients: "
        "httpx 5 s, aiohttp 15 s, Node 4-5 s; as nginx)",
    )
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, description="a connection whose request line and headers take longer is closed (408)"
    )
    body_timeout_seconds: float = Field(
        default=30.0, gt=0, description="a request body that sends nothing for this long is cut off"
    )
    max_header_bytes: int = Field(
        default=65536, ge=1024, description="request line plus headers larger than this get 431 (h11 parser)"
    )
    max_header_count: int = Field(default=200, ge=16, description="requests with more header fields get 431")
    max_request_line_bytes: int = Field(
        default=8192, ge=256, description="a longer request target (path and query) gets 414"
    )
    worker_threads: int = Field(
        default=4,
        ge=1,
        le=1000,
        description="threads that run requests (sync endpoints; each sign-in's scrypt check runs in one). Fewer "
        "than anyio's 40 leave the CPU to the event loop, so the health probes stay fast while sign-ins queue "
        "(bench/health_under_load.py); raise it for a PostgreSQL store with many clients waiting on the network",
    )

    era: Literal["2021", "2024", "2026"] = Field(
        default="2024",
        description="which NASDAQ MFA service to play: 2021 (Okta Classic, certificate API access), 2024 "
        "(Identity Engine, MFA refresh tokens) or 2026 (SMS and voice retired); see mockfinra/eras.py",
    )

    # --- clock -------------------------------------------------------------------------------
    clock_start: str | None = Field(
        default=None, description="ISO-8601 instant the mock clock starts at (default: real time)"
    )
    clock_frozen: bool = Field(default=False, description="start with the mock clock frozen")

    # --- hashing -----------------------------------------------------------------------------
    hash_cost: int = Field(
        default=4,
        ge=4,
        le=20,
        description="scrypt N = 2**hash_cost for passwords and answers. 4 (the seed's own cost) suits a test "
        "double: a sign-in's one scrypt costs less than its HTTP handling, and a user made by a test signs in "
        "as cheaply as a seeded one; every secret is still salted and hashed. Raise it to 14 or more for a "
        "shared instance that holds real-looking passwords",
    )

    # --- password policy (Okta default policy; ASSUMPTION for NASDAQ) --------------------------
    password_min_length: int = Field(default=8, description="password policy: minimum length")
    password_min_lower: int = Field(default=1, description="password policy: lower-case letters")
    password_min_upper: int = Field(default=1, description="password policy: upper-case letters")
    password_min_number: int = Field(default=1, description="password policy: digits")
    password_min_symbol: int = Field(default=0, description="password policy: symbols")
    password_exclude_username: bool = Field(
        default=True,
        description="password policy: no part (3+ characters) of the login, split on . , - _ # @ +",
    )
    password_expire_days: int = Field(default=0, description="0 = passwords never expire")
    password_warn_days: int = Field(default=0, description="PASSWORD_WARN this many days before expiry")
    password_warn_requires_option: bool = Field(
        default=True,
        description="as Okta: PASSWORD_WARN only when the sign-in sent options.warnBeforePasswordExpired=true",
    )

    # --- lockout (FINRA: 5 failed logins since 2023-10-30) -------------------------------------
    lockout_threshold: int | None = Field(
        default=None,
        description="consecutive failed passwords that lock the account; unset: the era's (FINRA: 10 until "
        "2023-10-30, then 5); 0 never locks",
    )
    lockout_auto_unlock_minutes: int = Field(
        default=0, description="0 = stays locked until unlocked (Okta default); ASSUMPTION"
    )
    lockout_response: Literal["LOCKED_OUT", "E0000004", "E0000069"] = Field(
        default="LOCKED_OUT",
        description="how a locked account shows at sign-in: LOCKED_OUT state, 401 E0000004 or 403 E0000069",
    )
    factor_lockout_threshold: int = Field(
        default=5, description="failed factor attempts that lock the account (403 E0000069)"
    )

    # --- authn transaction and sessions --------------------------------------------------------
    state_token_ttl_seconds: int = Field(
        default=300, description="authn stateToken lifetime, sliding on each request"
    )
    session_token_ttl_seconds: int = Field(default=300, description="one-time sessionToken lifetime")
    sweep_interval_seconds: float = Field(
        default=60, gt=0, description="wall-clock seconds between sweeps of expired authn transactions"
    )
    session_lifetime_seconds: int = Field(default=7200, description="session (sid cookie) lifetime")
    totp_skew_steps: int = Field(default=1, description="TOTP steps of clock skew accepted either way")
    mfa_enroll_required: bool = Field(
        default=True,
        description="an enrolling user must set up at least one second factor besides the security question "
        "(FINRA: 'at least one second factor'; MFA_ENROLL offers no skip until then)",
    )
    enroll_question_required: bool = Field(
        default=True,
        description="an enrolling user must set up the security question (FINRA: 'answer the security questions')",
    )
    trusted_origins: TrustedOriginList = Field(
        default=[],
        description="trusted origins, comma-separated: ORIGIN (CORS and REDIRECT) or ORIGIN=CORS, ORIGIN=REDIRECT, "
        "ORIGIN=CORS+REDIRECT; CORS lets a page there call the sign-in APIs from the browser, REDIRECT lets "
        "sessionCookieRedirect send the browser there (loopback and the mock itself always are)",
    )

    # --- out-of-band factors and the outbox (issue: phone and push) ----------------------------
    otp_ttl_seconds: int = Field(default=300, description="lifetime of an SMS / voice code")
    resend_throttle_seconds: int = Field(
        default=30, description="minimum gap between two SMS / calls to one factor"
    )
    push_timeout_seconds: int = Field(
        default=300, description="mock seconds before a pending push or push enrollment times out"
    )
    push_number_challenge: bool = Field(
        default=False, description="pushes carry a number challenge that approval must match"
    )
    push_wrong_answer_rejects: bool = Field(
        default=False,
        description="a wrong number-challenge answer rejects the push (ASSUMPTION default: refused, push stays pending)",
    )
    phone_number_check: Literal["possible", "valid"] = Field(
        default="possible",
        description="'possible' accepts fictional numbers such as +1 555-415-1337 (ASSUMPTION); 'valid' needs an assigned range",
    )
    phone_default_region: str | None = Field(
        default=None,
        description="region (e.g. US) for numbers written without a country code; unset: they are refused (ASSUMPTION)",
    )
    recovery_token_ttl_seconds: int = Field(default=3600, description="lifetime of an emailed recovery link")
    recovery_sms_mobile_phone: bool = Field(
        default=True,
        description="SMS/CALL recovery may use the profile mobilePhone when no phone factor is enrolled (ASSUMPTION)",
    )
    messages_wait_cap_seconds: int = Field(
        default=60, description="longest wait a /_mock/messages long-poll may ask for (longer is clamped)"
    )
    messages_max: int = Field(
        default=1000,
        ge=0,
        description="keep at most this many captured messages, oldest pruned (0 = no limit)",
    )
    messages_heartbeat_seconds: float = Field(
        default=15.0, gt=0, description="comment line sent on an idle /_mock/messages/stream"
    )
    smtp_url: SmtpUrl = Field(
        default=None,
        description="relay captured emails to smtp://[user:pass@]host:port (or smtp+starttls://, smtps://)",
    )
    smtp_from: str = Field(default="noreply@mockfinra.local", description="From address of relayed emails")
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, description="SMTP relay timeout")

    # --- OAuth 2.0 / OIDC and downloads --------------------------------------------------------
    access_token_ttl_seconds: int = Field(default=3600, description="access token (JWT) lifetime")
    token_times: Literal["real", "mock"] = Field(
        default="real",
        description="times inside JWTs (iat, exp, auth_time): the wall-clock counterpart of the mock time, so "
        "real clients accept them after the mock clock moves (expiry itself always follows the mock clock); "
        "or the mock time itself",
    )
    id_token_ttl_seconds: int = Field(default=3600, description="ID token lifetime")
    refresh_token_ttl_days: int = Field(
        default=90, description="refresh token lifetime (ASSUMPTION: 90 days)"
    )
    auth_code_ttl_seconds: int = Field(default=60, description="authorization (and interaction) code lifetime")
    idx_identifier_first: bool = Field(
        default=True,
        description="Identity Engine sign-in asks for the username first, the password on the next screen "
        "(ASSUMPTION: FINRA's current sign-in; false puts both on the first form)",
    )
    idx_poll_refresh_ms: int = Field(
        default=4000, ge=100, description="how often IDX clients are told to poll a push or an Okta Verify enrollment"
    )
    idx_interaction_ttl_seconds: int = Field(
        default=600, description="lifetime of an Identity Engine interaction handle (ASSUMPTION: 10 minutes)"
    )
    refresh_token_rotation: bool = Field(
        default=False,
        description="issue a new refresh token on each use (ASSUMPTION default: no, FINRA users paste one into scripts)",
    )
    oauth_audience: str = Field(default="api://traqs", description="`aud` of access tokens (ASSUMPTION)")
    oauth_data_scope: str = Field(
        default="traqs.refdata", description="scope that grants reference-data downloads (ASSUMPTION)"
    )
    oauth_portal_client_secret: str = Field(
        default="traqs-portal-secret", description="client secret of the confidential client `traqs-portal`"
    )
    oauth_redirect_uris: CsvList = Field(
        default=[],
        description="extra redirect URIs accepted for both clients (loopback always is for traqs-api)",
    )
    refdata_seed: int = Field(
        default=20240715,
        description="seed of the reference-data universe (same seed and date give byte-identical files)",
    )
    refdata_scale: float = Field(
        default=1.0,
        gt=0,
        description="size factor of every reference-data universe (1.0: CAMASTER ~20,000 rows)",
    )
    refdata_cache_dir: Path | None = Field(
        default=None, description="keep generated reference files here (default: in memory, LRU by bytes)"
    )

    # --- download hosts and TLS (DownloadHandler.ashx, legacy certificate host) ------------------
    download_require_scope: bool = Field(
        default=True,
        description="access tokens must carry oauth_data_scope to download (ASSUMPTION; false accepts any access token)",
    )
    download_require_username: bool = Field(
        default=False,
        description="the `username` field must be sent with each download (ASSUMPTION: optional, checked when sent)",
    )
    tls_cert: Path | None = Field(default=None, description="server certificate (PEM); serve HTTPS when set")
    tls_key: Path | None = Field(default=None, description="private key of tls_cert (PEM)")
    tls_ca: Path | None = Field(
        default=None,
        description="CA (PEM) whose client certificates are accepted; asks clients for one when set",
    )
    legacy_allow_plain_http: bool = Field(
        default=False,
        description="let the legacy download host accept Basic auth without a client certificate on plain HTTP",
    )

    # --- the free NTF testing window (TRAQS "notify the NASDAQ test team") -----------------------
    ntf_window_days: int = Field(
        default=30, ge=1, le=3650, description="calendar days of free NTF testing after notifying the NASDAQ test team"
    )
    ntf_window_enforce: bool = Field(
        default=False,
        description="after the free NTF window the download hosts refuse requests (403, plain text; ASSUMPTION: FINRA bills instead)",
    )

    # --- fault injection and the request journal (/_mock/faults, /_mock/requests) -----------------
    faults: Path | None = Field(
        default=None,
        description="JSON or TOML file of faults (or presets) loaded at start and on reset; see docs/faults.md",
    )
    journal_size: int = Field(
        default=1000, ge=0, description="requests kept in the journal (/_mock/requests), oldest dropped; 0 = off"
    )
    journal_body_bytes: int = Field(
        default=4096, ge=0, description="request and response body bytes kept per journal entry (secrets masked)"
    )
    journal_write_behind: bool = Field(
        default=True,
        description="journal entries are queued and written in batches off the request path (a read of the "
        "journal writes the queue first); false: each is written before its response ends (always so when "
        "processes share the store: workers, replicas)",
    )

    # --- tenants: isolated worlds on one instance (/t/{name}/..., X-Mock-Tenant; docs/tenants.md) ----
    max_tenants: int = Field(
        default=100, ge=0, description="tenants that may exist at once (409 beyond); 0 turns tenants off"
    )
    tenant_recheck_seconds: float = Field(
        default=1.0,
        ge=0,
        description="how often a process re-reads a cached tenant's registry row, to see a deletion by another "
        "process (0: on every request)",
    )

    def model_post_init(self, __context: object) -> None:
        if self.db in ("memory", ":memory:"):
            self.db = MEMORY_DB

    @property
    def shares_state(self) -> bool:
        """Several processes (workers, replicas) share this store (never an in-memory one: it lives in one process)."""
        return (self.workers > 1 or self.shared_store) and not is_memory_url(self.db)

    @classmethod
    def for_tests(cls, **overrides: object) -> "Settings":
        """Settings for an isolated in-process app: in-memory store (or, with `MOCKFINRA_TEST_DB=postgresql`, a
        throwaway PostgreSQL schema), cheap hashing, no env leakage; the Host names of TestClient (`testserver`)
        and of the suite's own tests (`mock.test`, a reserved name) served."""
        values: dict[str, object] = {"db": MEMORY_DB, "hash_cost": 4, "allowed_hosts": ["testserver", "mock.test"]}
        values.update(overrides)
        if "db" not in overrides:
            from mockfinra.scratch_db import scratch_schema_url, wants_postgres

            if wants_postgres():  # MOCKFINRA_TEST_DB=postgresql: a throwaway schema instead of memory
                values["db"] = scratch_schema_url()
        return cls(**values)  # type: ignore[arg-type]


def settings_reference() -> str:
    """Markdown table of every setting: environment variable, default and meaning (docs/settings.md)."""
    rows = [
        "| environment variable | default | meaning |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, Path):
            shown = "the packaged seed" if default == DATA_DIR / "seed.toml" else str(default)
        elif isinstance(default, list):
            shown = ",".join(default) or "(none)"
        elif default is None:
            shown = "(unset)"
        else:
            shown = str(default).lower() if isinstance(default, bool) else str(default)
        meaning = (field.description or "").replace("|", "\\|")
        rows.append(f"| `MOCKFINRA_{name.upper()}` | `{shown}` | {meaning} |")
    return "\n".join(rows) + "\n"
