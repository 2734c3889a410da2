"""All control-plane routers, mounted at `/_mock`."""

from fastapi import APIRouter

from mockfinra.control import messages, system, users

router = APIRouter()
router.include_router(system.router)
router.include_router(users.router)
router.include_router(messages.router)
