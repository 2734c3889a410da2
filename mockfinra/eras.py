"""Era profiles: which NASDAQ MFA service and which FINRA access rules the mock plays (`MOCKFINRA_ERA`).

FINRA's notices date the changes (see ../shared/reference/finra-ntf.md):
- `2021`: the service of the 2020-11 and 2021 notices: Okta Classic (the `/api/v1/authn` API and the classic
  widget look), the TRAQS NTF host `beta-ntf.finratraqs.org` and API download host `download-ntf2`, API access
  by NWSF certificate + user id + password (MFA only for the website), lockout after 10 failed sign-ins.
- `2024` (default): the service since 2023-10-30: Okta Identity Engine (IDX; identifier first, "verify with
  something else", the last-used method first, SMS and voice grouped as Phone), the `www-ntf` and
  `apidownload-ntf` hosts, API access by MFA refresh tokens (2024-07), lockout after 5.
- `2026`: since 2025-12-31 SMS and voice are retired: Okta Verify and Google Authenticator remain;
  digital certificates are discontinued (January 2025).

ASSUMPTIONS: the classic API stays available in every era (Okta keeps `/api/v1/authn` on Identity Engine
orgs for existing clients); the legacy certificate host still answers in 2024 (certificates were replaced
in January 2025); the retired factors' message is the one in `RETIRED_MESSAGE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EraName = Literal["2021", "2024", "2026"]
ERAS: tuple[EraName, ...] = ("2021", "2024", "2026")

#: what a user with a retired SMS or voice factor is told (ASSUMPTION: the wording of FINRA's notice)
RETIRED_MESSAGE = (
    "SMS and Voice Call were retired as security methods on December 31, 2025. "
    "Use Okta Verify or Google Authenticator."
)


@dataclass(frozen=True)
class Era:
    name: EraName
    #: `/.well-known/okta-organization` pipeline: `v1` (Classic) or `idx` (Identity Engine)
    pipeline: Literal["v1", "idx"]
    #: factor types that can no longer be enrolled or verified
    retired_factor_types: tuple[str, ...]
    #: failed sign-ins that lock an account (FINRA: 10 until 2023-10-30, then 5)
    lockout_threshold: int
    #: the first (link) host of each site in this era
    traqs_host: str
    apidownload_host: str
    #: how scripts download reference data: NWSF certificate + password, or MFA refresh tokens
    api_access: Literal["certificate", "refresh_token"]
    #: the legacy certificate download host still answers
    legacy_download: bool
    summary: str

    @property
    def identity_engine(self) -> bool:
        return self.pipeline == "idx"

    def factor_retired(self, factor_type: str) -> bool:
        return factor_type in self.retired_factor_types


PROFILES: dict[EraName, Era] = {
    "2021": Era(
        name="2021",
        pipeline="v1",
        retired_factor_types=(),
        lockout_threshold=10,
        traqs_host="beta-ntf.finratraqs.org",
        apidownload_host="download-ntf2.finratraqs.org",
        api_access="certificate",
        legacy_download=True,
        summary="Okta Classic sign-in; API by certificate, user id and password; MFA for the website only",
    ),
    "2024": Era(
        name="2024",
        pipeline="idx",
        retired_factor_types=(),
        lockout_threshold=5,
        traqs_host="www-ntf.finratraqs.org",
        apidownload_host="apidownload-ntf.finratraqs.org",
        api_access="refresh_token",
        legacy_download=True,
        summary="Okta Identity Engine sign-in; API by MFA refresh tokens; SMS and voice under Phone",
    ),
    "2026": Era(
        name="2026",
        pipeline="idx",
        retired_factor_types=("sms", "call"),
        lockout_threshold=5,
        traqs_host="www-ntf.finratraqs.org",
        apidownload_host="apidownload-ntf.finratraqs.org",
        api_access="refresh_token",
        legacy_download=False,
        summary="Okta Identity Engine; SMS and voice retired: Okta Verify and Google Authenticator only",
    ),
}


def era_profile(name: str) -> Era:
    return PROFILES[name]  # type: ignore[index]
