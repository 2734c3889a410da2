"""All control-plane routers, mounted at `/_mock`."""

from fastapi import APIRouter

from mockfinra.control import faults, messages, ntf_window, phone_page, push, requests, system, users

router = APIRouter()
router.include_router(system.router)
router.include_router(users.router)
router.include_router(messages.router)
router.include_router(push.router)
router.include_router(phone_page.router)
router.include_router(ntf_window.router)
router.include_router(faults.router)
router.include_router(requests.router)
