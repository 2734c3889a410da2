"""Factor resources outside the authn transaction: the security questions and the activation QR code."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from mockfinra.context import Context
from mockfinra.deps import get_context
from mockfinra.errors import not_found
from mockfinra.identity.classic import paths
from mockfinra.identity.core.factors import kind_for
from mockfinra.identity.core.factors.question import QUESTIONS
from mockfinra.store.users import get_factor, get_user

router = APIRouter(prefix=paths.USERS, tags=["factors"])


def questions_json() -> list[dict[str, str]]:
    """`GET /api/v1/users/{id}/factors/questions`: `{question, questionText}` in Okta's order."""
    return [{"question": key, "questionText": text} for key, text in QUESTIONS]


@router.get("/{user_id}/factors/questions")
def questions(user_id: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    """Okta's 20 built-in security questions, in Okta's order."""
    with ctx.store.transaction() as db:
        if get_user(db, user_id) is None:
            raise not_found(f"Resource not found: {user_id} (User)")
    return JSONResponse(questions_json())


@router.get("/{user_id}/factors/{factor_id}/qr/{token}")
def qr_code(user_id: str, factor_id: str, token: str, ctx: Context = Depends(get_context)) -> Response:
    """The activation QR code (PNG) of a factor awaiting activation; 404 for anything else."""
    with ctx.store.transaction() as db:
        user = get_user(db, user_id)
        factor = get_factor(db, user_id, factor_id) if user else None
        kind = kind_for(factor.factor_type, factor.provider) if factor else None
        uri = kind.qr_code_uri(ctx, factor, user, token) if kind and factor and user else None
    if uri is None:
        raise not_found("Resource not found: QR code")
    from mockfinra.identity.core.factors.totp import qr_png

    return Response(qr_png(uri), media_type="image/png", headers={"Cache-Control": "no-store"})
