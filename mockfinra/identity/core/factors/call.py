"""The voice call factor (`call`/OKTA, ids `clf…`): like SMS, but the code is read out in a call.

The profile may carry a `phoneExtension` (digits). The captured call's body reads the code digit by digit
and its outbox `code` holds the digits; a resend within the throttle is 429 E0000133.
"""

from __future__ import annotations

from typing import ClassVar

from mockfinra.identity.core.factors import register
from mockfinra.identity.core.factors.sms import PhoneFactor


@register
class CallFactor(PhoneFactor):
    factor_type = "call"
    id_prefixes: ClassVar[dict[str, str]] = {"OKTA": "clf"}
    # RFC 8176: "tel" is confirmation by telephone call.
    amr = "tel"
    kind = "call"
