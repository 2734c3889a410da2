"""Every router of Okta's classic API (`/api/v1/...` and `/login/sessionCookieRedirect`)."""

from fastapi import APIRouter

from mockfinra.identity.classic import (
    authn_routes,
    factors_routes,
    logs_routes,
    recovery_routes,
    sessions_routes,
    trusted_origins_routes,
    user_credentials_routes,
    user_factors_routes,
    users_routes,
)

router = APIRouter()
router.include_router(users_routes.router)
router.include_router(sessions_routes.router)
router.include_router(authn_routes.router)
router.include_router(recovery_routes.router)
router.include_router(factors_routes.router)
router.include_router(user_factors_routes.router)
router.include_router(user_credentials_routes.router)
router.include_router(trusted_origins_routes.router)
router.include_router(logs_routes.router)
