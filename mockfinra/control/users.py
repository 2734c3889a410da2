"""`POST /_mock/users` (one-call ready user) and `GET /_mock/users/{login}/totp`."""

from fastapi import APIRouter

router = APIRouter()
