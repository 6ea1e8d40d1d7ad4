"""``create_app(container)``: the FastAPI app, built around a container it is handed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from entrypoints.container import (
    Container,
    close_redis,
    login_throttle_fail_opens,
    pool_statuses,
    replica_router,
    replica_states,
)
from entrypoints.http import request_ids
from entrypoints.http.consistency import ConsistencyTokens
from entrypoints.http.direct import DirectRoutes
from entrypoints.http.draining import drain_on_sigterm
from entrypoints.http.errors import install_error_handlers
from entrypoints.http.metrics import CountCollector, Metrics, ReplicaCollector
from entrypoints.http.middleware import Edge
from entrypoints.http.routers import admin, auth, health, operations, posts, users
from entrypoints.realworld.routes import realworld_routes
from entrypoints.startup import wait_for_database

logger = logging.getLogger("inkwell")


def create_app(container: Container, *, direct_reads: bool = True) -> FastAPI:
    """The app; with ``direct_reads`` off, FastAPI serves every request itself (the contract
    test of the direct routes compares both)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = container.database()
        await wait_for_database(database, container.settings().db_connect_attempts)
        replicated = replica_router(container)  # a replica that is down degrades reads, it does not stop start-up
        if replicated is not None:
            replicated.start_checking()
        app.state.ready = True

        def begin_draining() -> None:
            app.state.ready = False

        try:
            with drain_on_sigterm(container.settings().shutdown_drain_seconds, begin_draining):
                yield
        finally:
            app.state.ready = False
            await database.dispose()
            if replicated is not None:
                await replicated.close()
            await close_redis(container)
            await asyncio.to_thread(container.shutdown_resources)  # the hasher's worker processes

    app = FastAPI(
        title="Inkwell",
        version="0.1.0",
        description="Users, posts, comments and followers.",
        lifespan=lifespan,
        redirect_slashes=False,
        # Inkwell's own Prometheus metrics count and time requests; FastAPI's OpenTelemetry
        # hooks would otherwise ask for a tracer, a meter and a logger on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.container = container
    app.state.ready = False
    app.state.metrics = Metrics(lambda: pool_statuses(container))
    app.state.metrics.add_collector(
        CountCollector(
            "login_throttle_failures_open",
            "Login attempts let through unthrottled because Redis was unavailable",
            lambda: login_throttle_fail_opens(container),
        )
    )
    install_error_handlers(app)
    # The routers' routes join the app's own list, the busiest first and ahead of FastAPI's
    # documentation routes: routes are tried in order, and FastAPI's include_router would
    # match through a nested router per request (a fifth of a read of one user, measured).
    # Each route carries its prefix, tags and responses from its router already.
    modules = (users, posts, auth, admin, operations, health)
    v1 = [route for module in modules for route in module.router.routes]
    app.router.routes[:0] = v1 + realworld_routes()
    settings = container.settings()
    direct = (lambda: DirectRoutes(app)) if direct_reads else None
    app.add_middleware(
        Edge, metrics=app.state.metrics, routes=lambda: app.routes, direct=direct, access_log=settings.access_log
    )
    if settings.cors_origin_list:
        # Outside the edge, which would refuse a preflight's OPTIONS as a method the API lacks.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            # X-Requested-With: RealWorld front ends send it.
            allow_headers=["Authorization", "Content-Type", "X-Requested-With", request_ids.HEADER],
            expose_headers=[request_ids.HEADER, "Link", "Retry-After"],
        )
    if replica_router(container) is not None:
        app.add_middleware(ConsistencyTokens)
        app.state.metrics.add_collector(ReplicaCollector(lambda: replica_states(container)))
    request_ids.add_request_ids(app)
    return app
