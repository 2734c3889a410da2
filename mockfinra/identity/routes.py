"""All routers of the MFA service (mounted at the root)."""

from fastapi import APIRouter

from mockfinra.identity import account, web
from mockfinra.identity.classic import routes as classic
from mockfinra.identity.idx import routes as idx
from mockfinra.identity.oidc import routes as oidc

router = APIRouter()
router.include_router(web.router)
router.include_router(account.router)
router.include_router(oidc.router)
router.include_router(classic.router)
router.include_router(idx.router)
