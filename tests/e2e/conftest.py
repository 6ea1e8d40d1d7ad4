"""End-to-end fixtures: the real app, over HTTP, on each persistence backend.

``client`` is parametrized through ``container`` over ``memory``, ``sqlite``,
``postgres`` (an emptied, migrated database per test) and ``pgbouncer`` (that database
through PgBouncer in transaction pooling mode, with ``DB_PGBOUNCER=true``). The app's lifespan runs around
each test, so start-up and shutdown are exercised as a server would run them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from fastapi import FastAPI

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import BACKENDS, database_url

E2E_BACKENDS = (*BACKENDS, "pgbouncer")

BASE_URL = "http://test"


def make_client(app: FastAPI) -> httpx.AsyncClient:
    """A client that answers a crash with the app's 500 response rather than raising it,
    so a "never a 500" assertion reports the status it saw."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url=BASE_URL)


async def sql_settings(request: pytest.FixtureRequest, backend: str, **overrides: Any) -> Settings:
    """Settings for one SQL backend's emptied database, as an operator would write them."""
    return Settings(
        persistence="sqlalchemy",
        database_url=await database_url(request, backend),
        db_pgbouncer=backend == "pgbouncer",
        **overrides,
    )


def wired(settings: Settings, hasher: Argon2PasswordHasher) -> Container:
    """A container on ``settings``, with fast real argon2 (the session's ``hasher``)."""
    container = Container()
    container.settings.override(providers.Object(settings))
    container.password_hasher.override(providers.Object(hasher))
    return container


@asynccontextmanager
async def serving(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the started app of ``container``; shutdown runs at exit."""
    app = create_app(container)
    async with app.router.lifespan_context(app), make_client(app) as client:
        yield client


async def container_on(request: pytest.FixtureRequest, backend: str, hasher: Argon2PasswordHasher) -> Container:
    """A container wired to ``backend`` (one of ``E2E_BACKENDS``), its database emptied."""
    if backend == "memory":
        return wired(Settings(persistence="memory"), hasher)
    return wired(await sql_settings(request, backend), hasher)


@pytest.fixture(params=E2E_BACKENDS)
async def container(request: pytest.FixtureRequest, hasher: Argon2PasswordHasher) -> Container:
    """A container wired to one backend."""
    return await container_on(request, request.param, hasher)


@pytest.fixture
def app(container: Container) -> FastAPI:
    """The app, built but not started."""
    return create_app(container)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the started app; shutdown runs when the test ends."""
    async with app.router.lifespan_context(app), make_client(app) as client:
        yield client
