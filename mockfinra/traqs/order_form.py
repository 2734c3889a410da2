"""The mock FINRA Order Form pages (`/traqs/order-form`): the form, its list of requests, "resend
invitation". Only an order-form administrator (profile `orderFormAdmin: true`) may use them; anyone else
signed in gets a refusal page (403). The domain logic is in `orders.py`.
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from mockfinra.context import Context
from mockfinra.csrf import check_csrf
from mockfinra.deps import get_context
from mockfinra.errors import ClientError
from mockfinra.identity.core.users import ACTIVATION_TOKEN_TTL
from mockfinra.identity.oidc.responses import SID_COOKIE
from mockfinra.links import Links
from mockfinra.pages import render
from mockfinra.store.orders import OrderRequest
from mockfinra.store.users import ENTITLEMENTS
from mockfinra.traqs import orders, portal
from mockfinra.traqs.profile import ACCESS_TYPES, is_order_form_admin
from mockfinra.traqs.signin import here, sign_in

router = APIRouter()

PATH = "/order-form"
FORM_PAGE = "traqs/order_form.html"
REFUSED_PAGE = "traqs/order_form_refused.html"


def _welcome_url(request: Request) -> Callable[[str], str]:
    links = Links(request)
    return lambda token: links.url(f"/welcome/{token}")


def _form_page(
    ctx: Context, db: Any, who: portal.SignedIn, form: orders.OrderForm, problems: list[str] | None = None, notice: str | None = None
) -> dict[str, Any]:
    return {
        **portal.page_context(ctx, db, who, "order-form"),
        "form": form,
        "problems": problems or [],
        "notice": notice,
        "products": ENTITLEMENTS,
        "access_types": ACCESS_TYPES,
        "requests": orders.request_views(ctx, db, who.user),
        "invitation_days": ACTIVATION_TOKEN_TTL.days,
    }


@router.get(PATH)
def order_form(
    request: Request, requested: str | None = None, resent: str | None = None, ctx: Context = Depends(get_context)
) -> Response:
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return sign_in(request, here(request))
        if not is_order_form_admin(who.user):
            refused = portal.page_context(ctx, db, who, "order-form")
        else:
            refused = None
            done = db.get(OrderRequest, requested or resent or "")
            notice = None
            if done is not None:
                notice = f"The invitation to {done.login} was {'sent again' if resent else 'sent'}."
            context = _form_page(ctx, db, who, orders.blank_form(who.user), notice=notice)
    if refused is not None:
        return render(request, REFUSED_PAGE, status_code=403, **refused)
    return render(request, FORM_PAGE, **context)


@router.post(PATH)
async def submit_order(request: Request, ctx: Context = Depends(get_context)) -> Response:
    """Create the requested user PROVISIONED and email the invitation; then back to the list."""
    raw = await _fields(request)
    links = Links(request)
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return sign_in(request, links.url(PATH, site="traqs"))
        check_csrf(db, who.session.id, raw.get("csrf"))
        if not is_order_form_admin(who.user):
            refused = portal.page_context(ctx, db, who, "order-form")
            invalid = None
        else:
            refused = None
            form = orders.OrderForm.parse(raw)
            try:
                order_id = orders.request_user(ctx, db, who.user, form, _welcome_url(request)).id
                invalid = None
            except orders.OrderFormInvalid as error:
                invalid = _form_page(ctx, db, who, form, problems=error.problems)
    if refused is not None:
        return render(request, REFUSED_PAGE, status_code=403, **refused)
    if invalid is not None:
        return render(request, FORM_PAGE, status_code=400, **invalid)
    return RedirectResponse(links.url(f"{PATH}?requested={order_id}", site="traqs"), status_code=303)


@router.post(PATH + "/requests/{order_id}/resend")
async def resend(request: Request, order_id: str, ctx: Context = Depends(get_context)) -> Response:
    """A new activation token and invitation email; the previous link stops working."""
    raw = await _fields(request)
    links = Links(request)
    with ctx.store.transaction() as db:
        who = portal.signed_in(ctx, db, request.cookies.get(SID_COOKIE))
        if who is None:
            return sign_in(request, links.url(PATH, site="traqs"))
        check_csrf(db, who.session.id, raw.get("csrf"))
        if not is_order_form_admin(who.user):
            refused = portal.page_context(ctx, db, who, "order-form")
        else:
            refused = None
            orders.resend_invitation(ctx, db, who.user, order_id, _welcome_url(request))
    if refused is not None:
        return render(request, REFUSED_PAGE, status_code=403, **refused)
    return RedirectResponse(links.url(f"{PATH}?resent={order_id}", site="traqs"), status_code=303)


async def _fields(request: Request) -> dict[str, Any]:
    """The form's fields; the repeated ones (products, access) as lists."""
    try:
        form = await request.form()
    except Exception:
        raise ClientError(400, "The form could not be read. Reload the page and try again.") from None
    fields: dict[str, Any] = {}
    for name in ("csrf", "first_name", "last_name", "email", "firm"):
        value = form.get(name)
        fields[name] = value if isinstance(value, str) else None
    for name in ("products", "access"):
        fields[name] = [value for value in form.getlist(name) if isinstance(value, str)]
    return fields
