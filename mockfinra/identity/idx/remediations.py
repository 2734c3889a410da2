"""What an IDX response says for each state of an authn transaction: its remediations and context objects.

`render_state` is the whole body of a response for a live transaction; `render_success` and
`render_terminal` end a flow. The transaction's IDX-only sub-state (a phone chosen without its method, an
authenticator chosen for enrollment before its data is given, the Okta Verify channel) is kept in
`txn.data["idx"]` by `flow`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from mockfinra.context import Context
from mockfinra.identity.core import authn, okta_verify
from mockfinra.identity.core import policy as rules
from mockfinra.identity.core.factors.question import QUESTIONS
from mockfinra.identity.core.factors.totp import otpauth_uri
from mockfinra.identity.core.passwords import PasswordPolicy
from mockfinra.identity.core.recovery import RECOVERY_IDENTIFY, RECOVERY_SELECT, recovery_methods
from mockfinra.identity.core.transactions import Handle
from mockfinra.identity.hosted import HOME_PATH, SESSION_COOKIE_REDIRECT
from mockfinra.identity.idx import authenticators as auths
from mockfinra.identity.idx import messages as text
from mockfinra.identity.idx.ion import Ion, envelope, field, immutable, messages, option, sub_form, wrap
from mockfinra.identity.oidc.clients import find_client
from mockfinra.links import Links
from mockfinra.store.idx import Interaction
from mockfinra.store.users import Factor, User

#: the select forms' labels for the methods of a choice
METHOD_LABELS = {"sms": "SMS", "voice": "Voice call", "push": "Get a push notification", "totp": "Enter a code"}
CHANNEL_LABELS = {"qrcode": "QRCODE", "email": "EMAIL", "sms": "SMS"}
RECOVERY_AUTH = {"EMAIL": auths.EMAIL, "SMS": auths.PHONE, "CALL": auths.PHONE}


def substate(handle: Handle) -> dict[str, Any]:
    """The IDX-only sub-state of a transaction (`txn.data["idx"]`)."""
    value = handle.txn.data.get("idx")
    return value if isinstance(value, dict) else {}


def identifier_of(handle: Handle) -> str:
    return handle.user.login if handle.user is not None else str(handle.txn.data.get("identifier", ""))


class Renderer:
    """One response: the envelope, the forms, and the objects the forms' `relatesTo` point into."""

    def __init__(self, ctx: Context, links: Links, handle: Handle) -> None:
        self.ctx = ctx
        self.handle = handle
        self.txn = handle.txn
        self.user: User | None = handle.user
        self.ion = Ion(links, handle.state_token)
        self.body = envelope(handle.state_token, handle.txn.expires_at)
        self.remediation: list[dict[str, Any]] = []
        #: messages the state itself carries (a rejected push), before any error's
        self.notes: list[dict[str, Any]] = []
        self.poll_refresh = ctx.settings.idx_poll_refresh_ms

    # --- the parts every response has ---------------------------------------------------------

    def finish(self, problems: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        body = self.body
        if self.remediation:
            body["remediation"] = wrap(self.remediation)
        if problems or self.notes:
            body["messages"] = messages(*self.notes, *(problems or []))
        body["cancel"] = self.ion.action("cancel", "cancel")
        if self.user is not None and self.txn.status not in (authn.PASSWORD, RECOVERY_SELECT, "RECOVERY_CHALLENGE"):
            body["user"] = wrap(user_json(self.user))
        elif identifier_of(self.handle):
            body["user"] = wrap({"identifier": identifier_of(self.handle)})
        body["app"] = wrap(app_json(self.ctx, self.handle))
        return body

    def put(self, key: str, value: Any) -> None:
        self.body[key] = wrap(value)

    # --- states ---------------------------------------------------------------------------------

    def render(self) -> None:
        status = self.txn.status
        if status == authn.IDENTIFY:
            self.identify()
        elif status == authn.PASSWORD:
            self.password_challenge()
        elif status == "MFA_REQUIRED":
            self.select_authenticate()
        elif status == "MFA_CHALLENGE":
            self.challenge()
        elif status == "MFA_ENROLL":
            self.enroll()
        elif status == "MFA_ENROLL_ACTIVATE":
            self.enroll_activate()
        elif status == "PASSWORD_RESET":
            self.new_password()
        elif status in ("PASSWORD_EXPIRED", "PASSWORD_WARN"):
            self.renew_password()
        elif status == RECOVERY_IDENTIFY:
            self.recovery_identify()
        elif status == RECOVERY_SELECT:
            self.recovery_select()
        elif status == "RECOVERY_CHALLENGE":
            self.recovery_challenge()

    def identify(self) -> None:
        with_password = not self.ctx.settings.idx_identifier_first
        fields = [field("identifier", "Username", required=True)]
        if with_password:
            fields.append(self.credentials([field("passcode", "Password", secret=True)]))
        fields.append(field("rememberMe", "Keep me signed in", type="boolean"))
        self.remediation.append(self.ion.form("identify", "identify", fields))
        self.remediation.append(self.ion.action("unlock-account", "unlock-account"))
        # "Forgot password?" on the first screen too (okta-auth-js's recoverPassword starts from it).
        current = auths.CATALOGUE[auths.PASSWORD].json()
        current["recover"] = self.ion.action("recover", "recover")
        self.put("currentAuthenticator", current)

    def password_challenge(self) -> None:
        enrollment = auths.password_enrollment(self.user, identifier_of(self.handle)).json()
        enrollment["recover"] = self.ion.action("recover", "recover")
        self.remediation.append(
            self.ion.form(
                "challenge-authenticator",
                "challenge/answer",
                [self.credentials([field("passcode", "Password", secret=True)])],
                relates_to=["$.currentAuthenticatorEnrollment"],
            )
        )
        self.put("currentAuthenticatorEnrollment", enrollment)
        self.put("authenticatorEnrollments", [enrollment])

    def select_authenticate(self) -> None:
        assert self.user is not None
        entries = sorted(auths.enrollments(self.ctx, self.user), key=lambda e: -e.last_used())
        selecting = substate(self.handle).get("selecting")
        chosen = next((entry for entry in entries if entry.id == selecting), None)
        if chosen is not None:
            self.remediation.append(self.verification_data(chosen))
            self.put("currentAuthenticatorEnrollment", chosen.json())
        self.remediation.append(self.select_form(entries))
        self.note_retired()

    def note_retired(self) -> None:
        """In an era that retired SMS and voice, a user who still has them is told why they are not offered."""
        assert self.user is not None
        if any(self.ctx.era.factor_retired(f.factor_type) for f in rules.active_factors(self.user)):
            self.notes.append(text.FACTORS_RETIRED)

    def select_form(self, entries: list[auths.Enrollment], name: str = "select-authenticator-authenticate") -> dict[str, Any]:
        options = []
        for index, entry in enumerate(entries):
            fields = [immutable("id", entry.authenticator.id)]
            methods = entry.methods
            if len(entry.authenticator.methods) > 1:
                fields.append(
                    field(
                        "methodType",
                        type="string",
                        required=False,
                        options=[{"label": METHOD_LABELS.get(m, m), "value": m} for m in methods],
                    )
                )
            else:
                fields.append(field("methodType", required=False, value=methods[0], mutable=False))
            if entry.key == auths.PHONE:
                fields.append(immutable("enrollmentId", entry.id))
            options.append(option(entry.authenticator.display_name, fields, f"$.authenticatorEnrollments.value[{index}]"))
        self.put("authenticatorEnrollments", [entry.json() for entry in entries])
        self.put("authenticators", [entry.authenticator.json(entry.methods) for entry in entries])
        return self.ion.form("select-authenticator-authenticate" if name == "select-authenticator-authenticate" else name,
                             "challenge", [field("authenticator", type="object", options=options)])

    def verification_data(self, entry: auths.Enrollment) -> dict[str, Any]:
        """A phone (or Okta Verify) was chosen without its method: ask which."""
        methods = [{"label": METHOD_LABELS.get(m, m), "value": m} for m in entry.methods]
        authenticator = field(
            "authenticator",
            entry.authenticator.display_name,
            type="object",
            form=sub_form([immutable("id", entry.authenticator.id), field("methodType", required=True, options=methods)]),
        )
        return self.ion.form(
            "authenticator-verification-data", "challenge", [authenticator], relates_to=["$.currentAuthenticatorEnrollment"]
        )

    def challenge(self) -> None:
        assert self.user is not None
        factor = self.current_factor()
        entries = sorted(auths.enrollments(self.ctx, self.user), key=lambda e: -e.last_used())
        entry = next((e for e in entries if factor is not None and factor in e.factors.values()), None)
        if factor is None or entry is None:
            self.remediation.append(self.select_form(entries))
            return
        method = next(m for m, f in entry.factors.items() if f is factor)
        if entry.key == auths.OKTA_VERIFY and method == "push":
            self.push_challenge(entry)
        elif entry.key == auths.OKTA_VERIFY:
            current = entry.authenticator.json(("totp",))
            self.remediation.append(self.code_form("challenge-authenticator", "challenge/answer", "totp", "$.currentAuthenticator"))
            self.put("currentAuthenticator", current)
        else:
            enrollment = entry.json((method,))
            if entry.key == auths.QUESTION:
                profile = factor.profile or {}
                question = str(profile.get("questionText", ""))
                enrollment["contextualData"] = {
                    "enrolledQuestion": {"questionKey": profile.get("question"), "question": question}
                }
                credentials = [
                    immutable("questionKey", profile.get("question"), label=question, visible=False),
                    field("answer", "Answer", required=True, secret=True),
                ]
                self.remediation.append(
                    self.ion.form(
                        "challenge-authenticator",
                        "challenge/answer",
                        [self.credentials(credentials)],
                        relates_to=["$.currentAuthenticatorEnrollment"],
                    )
                )
            else:
                self.remediation.append(
                    self.code_form("challenge-authenticator", "challenge/answer", "passcode", "$.currentAuthenticatorEnrollment")
                )
            if entry.key == auths.PHONE:
                enrollment["resend"] = self.ion.action("resend", "challenge/resend")
            self.put("currentAuthenticatorEnrollment", enrollment)
        self.remediation.append(self.select_form(entries))
        self.put("authenticatorEnrollments", [e.json() for e in entries])

    def push_challenge(self, entry: auths.Enrollment) -> None:
        current = entry.authenticator.json(("push",))
        resend = self.ion.form(
            "resend",
            "challenge",
            [immutable("authenticator", {"id": entry.authenticator.id, "methodType": "push"}, visible=False)],
        )
        current["resend"] = resend
        if self.txn.factor_result == "WAITING":
            answer = self.txn.data.get("pushAnswer")
            if answer is not None:
                current["contextualData"] = {"correctAnswer": answer}
            self.remediation.append(
                self.ion.form("challenge-poll", "authenticators/poll", relates_to=["$.currentAuthenticator"], refresh=self.poll_refresh)
            )
        else:
            self.notes.append(text.PUSH_EXPIRED if self.txn.factor_result == "TIMEOUT" else text.PUSH_REJECTED)
            self.remediation.append(resend)
        self.put("currentAuthenticator", current)

    def code_form(self, name: str, path: str, credential: str, relates: str) -> dict[str, Any]:
        return self.ion.form(
            name, path, [self.credentials([field(credential, "Enter code", required=True)])], relates_to=[relates]
        )

    def credentials(self, fields: list[dict[str, Any]]) -> dict[str, Any]:
        return field("credentials", type="object", required=True, form=sub_form(fields))

    def current_factor(self) -> Factor | None:
        if self.user is None or not self.txn.factor_id:
            return None
        return next((f for f in self.user.factors if f.id == self.txn.factor_id), None)

    # --- enrollment -----------------------------------------------------------------------------

    def enroll(self) -> None:
        assert self.user is not None
        state = substate(self.handle)
        enrolling = state.get("enrolling")
        if enrolling == auths.QUESTION:
            self.question_enrollment()
        elif enrolling == auths.PHONE:
            authenticator = auths.CATALOGUE[auths.PHONE]
            methods = [{"label": METHOD_LABELS[m], "value": m} for m in authenticator.methods]
            data = field(
                "authenticator",
                "Phone",
                type="object",
                form=sub_form(
                    [
                        immutable("id", authenticator.id),
                        field("methodType", type="string", required=True, options=methods),
                        field("phoneNumber", "Phone number", required=True),
                    ]
                ),
            )
            self.remediation.append(
                self.ion.form("authenticator-enrollment-data", "credential/enroll", [data], relates_to=["$.currentAuthenticator"])
            )
            self.put("currentAuthenticator", authenticator.json())
        self.remediation.append(self.enroll_form())
        if not enrolling:
            self.note_retired()
        if rules.enroll_skip_allowed(self.ctx, self.user):
            self.remediation.append(self.ion.action("skip", "skip"))
        existing = [auths.password_enrollment(self.user).json()] + [e.json() for e in auths.enrollments(self.ctx, self.user)]
        self.put("authenticatorEnrollments", existing)

    def enroll_form(self) -> dict[str, Any]:
        assert self.user is not None
        available = auths.enrollable(self.ctx, self.user)
        options = []
        for index, authenticator in enumerate(available):
            fields: list[dict[str, Any]] = [immutable("id", authenticator.id)]
            if authenticator.key == auths.PHONE:
                fields.append(
                    field(
                        "methodType",
                        type="string",
                        required=False,
                        options=[{"label": METHOD_LABELS[m], "value": m} for m in authenticator.methods],
                    )
                )
                fields.append(field("phoneNumber", "Phone number", required=False))
            elif authenticator.key == auths.OKTA_VERIFY:
                fields.append(
                    field(
                        "channel",
                        type="string",
                        required=False,
                        options=[{"label": label, "value": value} for value, label in CHANNEL_LABELS.items()],
                    )
                )
            else:
                fields.append(field("methodType", required=False, value=authenticator.methods[0], mutable=False))
            options.append(option(authenticator.display_name, fields, f"$.authenticators.value[{index}]"))
        self.put("authenticators", [authenticator.json() for authenticator in available])
        return self.ion.form("select-authenticator-enroll", "credential/enroll", [field("authenticator", type="object", options=options)])

    def question_enrollment(self) -> None:
        authenticator = auths.CATALOGUE[auths.QUESTION]
        choose = [
            field(
                "questionKey",
                "Choose a security question",
                type="string",
                required=True,
                options=[{"label": text_, "value": key} for key, text_ in QUESTIONS],
            ),
            field("answer", "Answer", required=True, secret=True),
        ]
        custom = [
            immutable("questionKey", "custom"),
            field("question", "Create a security question", required=True),
            field("answer", "Answer", required=True, secret=True),
        ]
        credentials = field(
            "credentials",
            type="object",
            required=True,
            options=[
                {"label": "Choose a security question", "value": {"form": sub_form(choose)}},
                {"label": "Create my own security question", "value": {"form": sub_form(custom)}},
            ],
        )
        self.remediation.append(
            self.ion.form("enroll-authenticator", "challenge/answer", [credentials], relates_to=["$.currentAuthenticator"])
        )
        current = authenticator.json()
        current["contextualData"] = {
            "questionKeys": [key for key, _ in QUESTIONS] + ["custom"],
            "questions": [{"questionKey": key, "question": text_} for key, text_ in QUESTIONS],
        }
        self.put("currentAuthenticator", current)

    def enroll_activate(self) -> None:
        assert self.user is not None
        factor = self.current_factor()
        if factor is None:
            self.remediation.append(self.enroll_form())
            return
        if factor.factor_type == "token:software:totp":
            current = auths.CATALOGUE[auths.GOOGLE].json()
            current["contextualData"] = {
                "qrcode": {
                    "method": "embedded",
                    "href": auths.qr_data_uri(otpauth_uri(self.ctx, factor, self.user.login)),
                    "type": "image/png",
                },
                "sharedSecret": factor.secret,
            }
            self.remediation.append(self.code_form("enroll-authenticator", "challenge/answer", "passcode", "$.currentAuthenticator"))
            self.put("currentAuthenticator", current)
        elif factor.factor_type in auths.METHOD_OF_FACTOR:
            current = auths.CATALOGUE[auths.PHONE].json((auths.METHOD_OF_FACTOR[factor.factor_type],))
            current["resend"] = self.ion.action("resend", "challenge/resend")
            self.remediation.append(self.code_form("enroll-authenticator", "challenge/answer", "passcode", "$.currentAuthenticator"))
            self.put("currentAuthenticator", current)
        elif factor.factor_type == "push":
            self.okta_verify_enrollment(factor)
        self.remediation.append(self.enroll_form())

    def okta_verify_enrollment(self, factor: Factor) -> None:
        assert self.user is not None
        authenticator = auths.CATALOGUE[auths.OKTA_VERIFY]
        channel = substate(self.handle).get("channel") or "qrcode"
        current = authenticator.json(("push",))
        contextual: dict[str, Any] = {"selectedChannel": channel}
        uri = okta_verify.enrollment_uri(self.ctx, factor, self.user)
        if channel == "qrcode" and uri:
            contextual["qrcode"] = {"method": "embedded", "href": auths.qr_data_uri(uri), "type": "image/png"}
        current["contextualData"] = contextual
        self.put("currentAuthenticator", current)
        self.put("enrollmentAuthenticator", authenticator.json())
        if self.txn.factor_result == "TIMEOUT":
            self.notes.append(text.QR_EXPIRED)
            return
        if channel in ("email", "sms") and not substate(self.handle).get("channelSent"):
            wanted = field("email", "Email", required=True) if channel == "email" else field("phoneNumber", "Phone number", required=True)
            self.remediation.append(self.ion.form("enrollment-channel-data", "challenge/send", [wanted]))
        self.remediation.append(self.ion.form("enroll-poll", "challenge/poll", refresh=self.poll_refresh))
        choice = field(
            "authenticator",
            "Okta Verify",
            type="object",
            value={
                "form": sub_form(
                    [
                        immutable("id", authenticator.id),
                        field(
                            "channel",
                            type="string",
                            required=False,
                            options=[{"label": label, "value": value} for value, label in CHANNEL_LABELS.items()],
                        ),
                    ]
                )
            },
        )
        self.remediation.append(self.ion.form("select-enrollment-channel", "credential/enroll", [choice]))

    # --- passwords ------------------------------------------------------------------------------

    def password_authenticator(self) -> dict[str, Any]:
        policy = PasswordPolicy.from_settings(self.ctx.settings)
        current = auths.CATALOGUE[auths.PASSWORD].json()
        current["settings"] = {
            "complexity": {
                "minLength": policy.min_length,
                "minLowerCase": policy.min_lower,
                "minUpperCase": policy.min_upper,
                "minNumber": policy.min_number,
                "minSymbol": policy.min_symbol,
                "excludeUsername": policy.exclude_username,
                "excludeAttributes": [],
            },
            "age": {"minAgeMinutes": 0, "historyCount": 0},
        }
        return current

    def new_password(self) -> None:
        recovering = self.txn.recovery_type == "PASSWORD"
        name = "reset-authenticator" if recovering else "enroll-authenticator"
        fields = [field("passcode", "New password" if recovering else "Enter password", secret=True)]
        if recovering:
            fields.append(field("revokeSessions", "Sign me out of all other devices", type="boolean"))
            self.put("recoveryAuthenticator", auths.CATALOGUE[auths.PASSWORD].json())
        self.remediation.append(
            self.ion.form(name, "challenge/answer", [self.credentials(fields)], relates_to=["$.currentAuthenticator"])
        )
        self.put("currentAuthenticator", self.password_authenticator())

    def renew_password(self) -> None:
        warn = self.txn.status == "PASSWORD_WARN"
        name = "reenroll-authenticator-warning" if warn else "reenroll-authenticator"
        credentials = self.credentials([field("passcode", "New password", secret=True)])
        self.remediation.append(self.ion.form(name, "challenge/answer", [credentials], relates_to=["$.currentAuthenticator"]))
        if warn:
            self.remediation.append(self.ion.action("skip", "skip"))
        self.put("currentAuthenticator", self.password_authenticator())

    # --- recovery and unlock --------------------------------------------------------------------

    def recovery_entries(self) -> list[auths.Enrollment]:
        entries = []
        identifier = identifier_of(self.handle)
        methods = recovery_methods(self.ctx, self.user)
        entries.append(auths.email_enrollment(self.user, identifier))
        if self.user is not None and ("SMS" in methods or "CALL" in methods):
            phone = next((e for e in auths.enrollments(self.ctx, self.user) if e.key == auths.PHONE), None)
            if phone is not None:
                entries.append(phone)
        return entries

    def recovery_identify(self) -> None:
        if self.txn.recovery_type == "UNLOCK":
            email = auths.CATALOGUE[auths.EMAIL]
            phone = auths.CATALOGUE[auths.PHONE]
            email_fields = [immutable("id", email.id), field("methodType", required=False, value="email", mutable=False)]
            options = [option(email.display_name, email_fields, "$.authenticators.value[0]")]
            authenticators = [email.json()]
            if not (self.ctx.era.factor_retired("sms") and self.ctx.era.factor_retired("call")):
                options.append(
                    option(
                        phone.display_name,
                        [
                            immutable("id", phone.id),
                            field(
                                "methodType",
                                type="string",
                                required=False,
                                options=[{"label": METHOD_LABELS[m], "value": m} for m in phone.methods],
                            ),
                        ],
                        "$.authenticators.value[1]",
                    )
                )
                authenticators.append(phone.json())
            self.remediation.append(
                self.ion.form(
                    "select-authenticator-unlock-account",
                    "challenge",
                    [field("identifier", "Username", required=True), field("authenticator", type="object", options=options)],
                )
            )
            self.put("authenticators", authenticators)
            return
        self.remediation.append(self.ion.form("identify-recovery", "identify", [field("identifier", "Username", required=True)]))

    def recovery_select(self) -> None:
        entries = self.recovery_entries()
        self.remediation.append(self.select_form(entries))
        self.put("recoveryAuthenticator", auths.CATALOGUE[auths.PASSWORD].json())

    def recovery_challenge(self) -> None:
        entries = self.recovery_entries()
        chosen = self.txn.recovery_factor_type or "EMAIL"
        key = RECOVERY_AUTH.get(chosen, auths.EMAIL)
        entry = next((e for e in entries if e.key == key), entries[0])
        method = {"EMAIL": "email", "SMS": "sms", "CALL": "voice"}[chosen]
        enrollment = entry.json((method,))
        enrollment["resend"] = self.ion.action("resend", "challenge/resend")
        self.remediation.append(
            self.code_form("challenge-authenticator", "challenge/answer", "passcode", "$.currentAuthenticatorEnrollment")
        )
        self.put("currentAuthenticatorEnrollment", enrollment)
        self.remediation.append(self.select_form(entries))
        if self.txn.recovery_type == "PASSWORD":
            self.put("recoveryAuthenticator", auths.CATALOGUE[auths.PASSWORD].json())


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "identifier": user.login,
        "profile": {
            "firstName": user.first_name or None,
            "lastName": user.last_name or None,
            "timeZone": (user.profile_extra or {}).get("timeZone", "America/New_York"),
            "locale": (user.profile_extra or {}).get("locale", "en_US"),
        },
    }


def app_json(ctx: Context, handle: Handle) -> dict[str, Any]:
    """The app the sign-in is for: the interaction's OAuth client, else the MFA service's own pages."""
    client = find_client(ctx, str(handle.txn.data.get("clientId", "")))
    if client is not None:
        return {"name": "oidc_client", "label": client.name, "id": client.client_id}
    return {"name": "okta_enduser", "label": ctx.settings.org_name, "id": "0oamockfinraEndUser0"}


def render_state(ctx: Context, links: Links, handle: Handle, problems: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    renderer = Renderer(ctx, links, handle)
    renderer.render()
    return renderer.finish(problems)


def render_success(
    ctx: Context, links: Links, result: authn.AuthnResult, interaction: Interaction | None
) -> dict[str, Any]:
    """The end of a sign-in: the interaction code for an OAuth client, else a redirect that opens a session."""
    body = envelope(None, result.expires_at)
    assert result.user is not None
    body["user"] = wrap(user_json(result.user))
    ended = result.ended
    if result.interaction_code and interaction is not None:
        client = find_client(ctx, interaction.client_id)
        body["successWithInteractionCode"] = {
            "rel": ["create-form"],
            "name": "issue",
            "href": links.url("/oauth2/default/v1/token"),
            "method": "POST",
            "accepts": "application/x-www-form-urlencoded",
            "value": [
                {"name": "grant_type", "required": True, "value": "interaction_code"},
                {"name": "interaction_code", "required": True, "value": result.interaction_code},
                {"name": "client_id", "required": True, "value": client.client_id if client else interaction.client_id},
                {"name": "code_verifier", "required": True},
            ],
        }
        return body
    target = str((ended.data if ended is not None else {}).get("fromUri") or links.url(HOME_PATH))
    query = urlencode({"token": result.session_token or "", "redirectUrl": target})
    body["success"] = {"name": "success-redirect", "href": links.url(f"{SESSION_COOKIE_REDIRECT}?{query}")}
    return body


def render_terminal(problems: list[dict[str, Any]], state_handle: str | None = None) -> dict[str, Any]:
    """A response with messages and nothing to do next (unlock done, locked out, session expired)."""
    body = envelope(state_handle, None)
    body["messages"] = messages(*problems)
    return body
