from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request

from application.ports.database import Database
from entrypoints.container import Container, replica_router
from entrypoints.http.openapi import HEALTH_RESPONSES
from entrypoints.http.responses import JSONBytes
from entrypoints.http.use_cases import running_container

router = APIRouter(tags=["health"])
logger = logging.getLogger("inkwell.health")
PING_TIMEOUT_SECONDS = 2.0


async def _ping(database: Database) -> tuple[bool, str]:
    try:
        async with asyncio.timeout(PING_TIMEOUT_SECONDS):
            await database.ping()
    except TimeoutError:
        return False, "timeout"
    except Exception as error:  # any failure to answer is "unhealthy", with a short reason
        logger.warning("health check failed: %r", error)
        return False, error.__class__.__name__
    return True, "connected"


async def _answer(container: Container) -> JSONBytes:
    ok, database = await _ping(container.database())
    body = {"status": "healthy" if ok else "unhealthy", "database": database}
    replicated = replica_router(container)
    if replicated is not None:
        # Reads fall back to the primary, so a lost replica degrades, it does not fail.
        answers = [(replica.name, await _ping(replica.database)) for replica in replicated.replicas]
        failing = [f"{name}: {reason}" if len(answers) > 1 else reason for name, (ok, reason) in answers if not ok]
        body["replica"] = f"degraded: {', '.join(failing)}" if failing else "connected"
    return JSONBytes(body, status_code=200 if ok else 503)


@router.get("/health", responses=HEALTH_RESPONSES)
async def health(request: Request) -> JSONBytes:
    """200 when ``SELECT 1`` on the primary answers within 2 s, else 503. With a replica
    configured, ``replica`` says whether it answers too."""
    return await _answer(running_container(request))


@router.get("/health/live", response_model=dict[str, str])
async def live() -> JSONBytes:
    """The process serves; the database is not touched."""
    return JSONBytes({"status": "alive"})


@router.get("/health/ready", responses=HEALTH_RESPONSES)
async def ready(request: Request) -> JSONBytes:
    """Like /health, and 503 while the service is starting or draining."""
    if not getattr(request.app.state, "ready", False):
        return JSONBytes({"status": "unavailable", "database": "not ready"}, status_code=503)
    return await _answer(running_container(request))
