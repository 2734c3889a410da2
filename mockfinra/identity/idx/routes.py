"""HTTP layer of the Identity Engine: `/oauth2/default/v1/interact`, `/idp/idx/*` and `/.well-known/okta-organization`.

Thin: the JSON body in, one `flow` step in a store transaction, the IDX response out. A step that fails
answers the transaction's state as it now is (unchanged, or with a counter kept) plus the error's messages;
an unknown or expired state handle answers `idx.session.expired` (401).

Content type: `application/ion+json; okta-version=1.0.0` when the client accepts it (as Okta), else
`application/json`; error bodies are always `application/json`, because okta-auth-js reads an error body only
when the response says `application/json`.
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import MockfinraError, OAuthError
from mockfinra.identity.core.events import client_data
from mockfinra.identity.core.transactions import load_transaction
from mockfinra.identity.idx import flow
from mockfinra.identity.idx import messages as text
from mockfinra.identity.idx.ion import ION
from mockfinra.identity.idx.remediations import render_state, render_success, render_terminal
from mockfinra.identity.oidc.interactions import interact
from mockfinra.identity.oidc.tokens import AUTH_SERVER_PATH
from mockfinra.links import Links

router = APIRouter(tags=["Identity Engine (IDX)"])
NO_STORE = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _media_type(request: Request) -> str:
    return ION if "application/ion+json" in request.headers.get("accept", "") else "application/json"


def _engine_off(ctx: Context) -> MockfinraError | None:
    if ctx.era.identity_engine:
        return None
    return OAuthError(
        "access_denied",
        f"The Identity Engine is not enabled: the {ctx.era.name} era plays Okta Classic "
        "(use /api/v1/authn, or MOCKFINRA_ERA=2024).",
        404,
    )


def _answer(ctx: Context, request: Request, body: dict[str, Any], run: Callable[[Session, flow.Given], flow.Step]) -> JSONResponse:
    links = Links(request)
    caller = client_data(request.client.host if request.client else None, request.headers.get("user-agent"))
    given = flow.Given(body if isinstance(body, dict) else {}, caller)
    off = _engine_off(ctx)
    if off is not None:
        return JSONResponse(render_terminal(text.problem_of(off).messages), 404, headers=NO_STORE)
    try:
        with ctx.store.transaction() as db:
            step = run(db, given)
            content = _render(ctx, links, step)
        return JSONResponse(content, step.status, headers=NO_STORE, media_type=_media_type(request))
    except MockfinraError as error:
        problem = text.problem_of(error)
    content = _after_error(ctx, links, given, problem)
    return JSONResponse(content, problem.status, headers=NO_STORE)


def _render(ctx: Context, links: Links, step: flow.Step) -> dict[str, Any]:
    if step.handle is not None:
        return render_state(ctx, links, step.handle)
    if step.result is not None:
        return render_success(ctx, links, step.result, step.interaction)
    return render_terminal(step.terminal)


def _after_error(ctx: Context, links: Links, given: flow.Given, problem: text.IdxProblem) -> dict[str, Any]:
    """The state the failed step left (rolled back, or with its counters kept), with the error's messages."""
    if problem.messages and problem.messages[0]["i18n"]["key"] == "idx.session.expired":
        return render_terminal(problem.messages)
    try:
        with ctx.store.transaction() as db:
            handle = load_transaction(ctx, db, given.state_handle, allow_anonymous=True)
            return render_state(ctx, links, handle, problem.messages)
    except MockfinraError:
        return render_terminal(problem.messages)


class IdxBody(BaseModel):
    """An IDX request: a JSON object whose fields the current remediation names (always `stateHandle`, or
    `interactionHandle` to introspect); any other JSON value is a 400."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "properties": {
                "stateHandle": {"type": "string"},
                "interactionHandle": {"type": "string"},
                "stateToken": {"type": "string"},
            }
        },
    )


def _fields(body: IdxBody | None) -> dict[str, Any]:
    return body.model_dump() if body is not None else {}


def _step(name: str, run: Callable[[Context, Session, flow.Given], flow.Step], doc: str) -> None:
    def endpoint(request: Request, body: IdxBody | None = Body(default=None), ctx: Context = Depends(get_context)) -> JSONResponse:
        return _answer(ctx, request, _fields(body), lambda db, given: run(ctx, db, given))

    endpoint.__doc__ = doc
    endpoint.__name__ = f"idx_{name.replace('/', '_').replace('-', '_')}"
    router.add_api_route(f"/idp/idx/{name}", endpoint, methods=["POST"], name=endpoint.__name__)


_step("introspect", flow.introspect, "The current state of a sign-in (`interactionHandle`, or `stateToken`/`stateHandle`).")
_step("identify", flow.identify, "`identify` (identifier, optional password) and `identify-recovery`.")
_step("challenge", flow.challenge, "Select an authenticator to verify, its method, a push resend, or the unlock selection.")
_step("challenge/answer", flow.answer, "The credentials of the current challenge, enrollment or password step.")
_step("challenge/resend", flow.resend, "Send the code again.")
_step("challenge/poll", flow.poll, "Poll a push sign-in or an Okta Verify enrollment.")
_step("authenticators/poll", flow.poll, "Poll a push sign-in (the path Okta's captures use).")
_step("skip", flow.skip, "Skip an optional step.")
_step("cancel", flow.cancel, "End this sign-in; a new one starts.")
_step("recover", flow.recover, "Forgot password: start the recovery.")
_step("unlock-account", flow.unlock_account, "Unlock account: start the unlock.")


@router.post("/idp/idx/credential/enroll")
def enroll(request: Request, body: IdxBody | None = Body(default=None), ctx: Context = Depends(get_context)) -> JSONResponse:
    """Choose an authenticator to set up, with its data (a phone number) or not; or the Okta Verify channel."""
    base = Links(request).base()
    return _answer(ctx, request, _fields(body), lambda db, given: flow.enroll(ctx, db, given, base))


@router.post("/idp/idx/challenge/send")
def send(request: Request, body: IdxBody | None = Body(default=None), ctx: Context = Depends(get_context)) -> JSONResponse:
    """Send the Okta Verify setup link by email or SMS."""
    base = Links(request).base()
    return _answer(ctx, request, _fields(body), lambda db, given: flow.send(ctx, db, given, base))


@router.post("/idp/idx/enroll")
def enroll_profile(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """Self-registration: not offered (NTF users are created through the FINRA Order Form)."""
    return JSONResponse(render_terminal([text.REGISTRATION_DISABLED]), 403, headers=NO_STORE)


@router.post(f"{AUTH_SERVER_PATH}/v1/interact")
async def interact_endpoint(request: Request, ctx: Context = Depends(get_context)) -> JSONResponse:
    """Start an Identity Engine sign-in for an OAuth client: `{"interaction_handle": ...}`."""
    off = _engine_off(ctx)
    if off is not None:
        raise off
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in FORM_TYPES:
        raise OAuthError("invalid_request", "The request body must be application/x-www-form-urlencoded.")
    try:
        form = await request.form()
    except Exception:  # noqa: BLE001 - any unparsable body is the client's error
        raise OAuthError("invalid_request", "The request body is not a valid form.") from None
    params = {name: value for name, value in form.multi_items() if isinstance(value, str)}
    links = Links(request)
    with ctx.store.transaction() as db:
        handle, _ = interact(ctx, db, links, params)
    return JSONResponse({"interaction_handle": handle}, headers=NO_STORE)


@router.get("/.well-known/okta-organization")
def okta_organization(request: Request, ctx: Context = Depends(get_context)) -> dict[str, Any]:
    """Which engine the org runs (`pipeline`: `idx` for the Identity Engine, `v1` for Classic), as Okta answers."""
    links = Links(request)
    return {
        "id": "00omockfinraNtfOrg01",
        "pipeline": ctx.era.pipeline,
        "_links": {"organization": {"href": links.root()}},
        "settings": {"analyticsCollectionEnabled": False, "bugReportingEnabled": False, "omEnabled": False},
    }
