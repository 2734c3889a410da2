"""All control-plane routers, mounted at `/_mock`."""

from fastapi import APIRouter

from mockfinra.control import (
    docs,
    faults,
    home,
    inbox,
    messages,
    ntf_window,
    phone_page,
    push,
    requests,
    system,
    trusted_origins,
    users,
)
from mockfinra.tenants import routes as tenants

router = APIRouter()
router.include_router(system.router)
router.include_router(users.router)
router.include_router(messages.router)
router.include_router(push.router)
router.include_router(phone_page.router)
router.include_router(ntf_window.router)
router.include_router(faults.router)
router.include_router(requests.router)
router.include_router(trusted_origins.router)
router.include_router(docs.router)
router.include_router(inbox.router)
router.include_router(tenants.router)
# `GET /_mock` itself (a sub-router cannot have an empty prefix and path)
router.add_api_route("", home.home_page, methods=["GET"], include_in_schema=False)

#: routes at the root of every site (the favicon)
root_router = APIRouter()
root_router.include_router(docs.favicon_router)
