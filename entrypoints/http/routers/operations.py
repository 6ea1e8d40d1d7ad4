from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from application.errors import PermissionDenied
from application.views import PoolStatus
from entrypoints.container import pool_statuses, replica_states
from entrypoints.http.dependencies import CurrentActor
from entrypoints.http.openapi import errors
from entrypoints.http.responses import JSONBytes
from entrypoints.http.use_cases import running_container

router = APIRouter(tags=["operations"])
POOL_FIELDS = ("size", "checked_in", "checked_out", "overflow")


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus text format."""
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/api/v1/admin/pool",
    tags=["admin"],
    response_model=dict[str, dict[str, int] | None],
    responses=errors(401, 403, 503),
)
async def pool(actor: CurrentActor, request: Request) -> Response:
    """Each engine's pool (superusers only); ``replica`` is null when none is configured.
    With replicas, ``replicas`` shows each one's pool, whether it answered its last check
    and how far behind the primary it was."""
    if not actor.is_superuser:
        raise PermissionDenied()
    container = running_container(request)
    statuses = pool_statuses(container)
    answer: dict[str, object] = {"primary": _public(statuses["primary"]), "replica": _public(statuses.get("replica"))}
    states = replica_states(container)
    if states:
        answer["replicas"] = {
            role: {**(_public(statuses[role]) or {}), "reachable": state.reachable, "lag_seconds": state.lag_seconds}
            for role, state in states.items()
        }
    return JSONBytes(answer)


def _public(status: PoolStatus | None) -> dict[str, int] | None:
    if status is None:
        return None
    shown = {name: value for name, value in asdict(status).items() if name in POOL_FIELDS}
    return {**shown, "invalidated": status.invalidations}
