from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from entrypoints.http.dependencies import ContainerDep

router = APIRouter(tags=["health"])
logger = logging.getLogger("inkwell.health")
PING_TIMEOUT_SECONDS = 2.0


async def _database_status(container: ContainerDep) -> tuple[bool, str]:
    try:
        async with asyncio.timeout(PING_TIMEOUT_SECONDS):
            await container.database().ping()
    except TimeoutError:
        return False, "timeout"
    except Exception as error:  # any failure to answer is "unhealthy", with a short reason
        logger.warning("health check failed: %r", error)
        return False, error.__class__.__name__
    return True, "connected"


def _answer(ok: bool, database: str) -> JSONResponse:
    status = "healthy" if ok else "unhealthy"
    return JSONResponse({"status": status, "database": database}, status_code=200 if ok else 503)


@router.get("/health")
async def health(container: ContainerDep) -> JSONResponse:
    """200 when ``SELECT 1`` on the primary answers within 2 s, else 503."""
    return _answer(*await _database_status(container))


@router.get("/health/live")
async def live() -> dict[str, str]:
    """The process serves; the database is not touched."""
    return {"status": "alive"}


@router.get("/health/ready")
async def ready(request: Request, container: ContainerDep) -> JSONResponse:
    """Like /health, and 503 while the service is starting or draining."""
    if not getattr(request.app.state, "ready", False):
        return JSONResponse({"status": "unavailable", "database": "not ready"}, status_code=503)
    return _answer(*await _database_status(container))
