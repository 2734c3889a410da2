"""All routers of the MFA service (mounted at the root)."""

from fastapi import APIRouter

router = APIRouter()
