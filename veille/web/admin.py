"""Administrator pages: source health (read-only)."""

from fastapi import APIRouter

router = APIRouter(prefix="/admin")
