"""`/_mock/messages`: the captured outbox."""

from fastapi import APIRouter

router = APIRouter()
