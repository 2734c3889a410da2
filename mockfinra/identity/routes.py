"""All routers of the MFA service (mounted at the root)."""

from fastapi import APIRouter

from mockfinra.identity import authn_api, factors_api, recovery_api, sessions_api, users_api, web
from mockfinra.identity.oidc import routes as oidc

router = APIRouter()
router.include_router(web.router)
router.include_router(oidc.router)
router.include_router(users_api.router)
router.include_router(sessions_api.router)
router.include_router(authn_api.router)
router.include_router(recovery_api.router)
router.include_router(factors_api.router)
