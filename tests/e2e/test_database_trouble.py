"""Slow statements and abandoned requests against the real PostgreSQL: clear answers,
and a pool that stays whole."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from dependency_injector import providers
from fastapi import FastAPI
from sqlalchemy import text

from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.database import SqlAlchemyDatabase
from adapters.sqlalchemy.readers import SqlAlchemyUserReader
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.views import UserDTO
from entrypoints.http.app import create_app
from tests.databases import ADMIN_URL
from tests.e2e.conftest import make_client, serving, sql_settings, wired

SLEEP_SECONDS = 2.0


class SlowUserReader(SqlAlchemyUserReader):
    """A test-only reader whose lookup first sleeps in the database."""

    async def get(self, user_id: int) -> UserDTO | None:
        async with self._db.read_one() as connection:
            await connection.execute(text(f"SELECT pg_sleep({SLEEP_SECONDS})"))
        return await super().get(user_id)


@pytest.fixture(params=["postgres", "pgbouncer"])
async def slow_app(
    request: pytest.FixtureRequest, hasher: Argon2PasswordHasher
) -> AsyncIterator[tuple[FastAPI, SqlAlchemyDatabase]]:
    """SET LOCAL bounds statements directly and through PgBouncer in transaction mode."""
    container = wired(await sql_settings(request, request.param, db_statement_timeout_ms=200), hasher)
    container.user_reader.override(providers.Singleton(SlowUserReader, container.database))
    app = create_app(container)
    async with app.router.lifespan_context(app):
        database = container.database()
        assert isinstance(database, SqlAlchemyDatabase)
        yield app, database


async def all_connections_work(database: SqlAlchemyDatabase) -> bool:
    """Each of the pool's connections answers, at once. Whether, not how fast: in a full
    run the other worker's bulk loads can stall a statement past the fixture's 200 ms (seen
    about once in six runs through PgBouncer), so the check's transactions allow 5 s. An
    error left over from an abandoned statement would still fail it."""

    async def one() -> int:
        async with database.read_one() as connection:
            await connection.execute(text("SET LOCAL statement_timeout = '5s'"))
            return int((await connection.execute(text("SELECT 1"))).scalar_one())

    results = await asyncio.gather(*(one() for _ in range(database.gate.capacity)))
    return results == [1] * database.gate.capacity


async def test_a_statement_past_the_timeout_gets_503_and_the_pool_stays_healthy(
    slow_app: tuple[FastAPI, SqlAlchemyDatabase],
) -> None:
    app, database = slow_app
    async with make_client(app) as client:
        started = time.perf_counter()
        response = await client.get("/api/v1/users/1")
        assert response.status_code == 503
        assert response.json() == {"detail": "Database statement timed out"}
        assert time.perf_counter() - started < SLEEP_SECONDS
        assert database.pool_status().checked_out == 0
        assert (await client.get("/api/v1/users/search", params={"q": "nobody"})).status_code == 200
    assert await all_connections_work(database)


async def test_units_of_work_run_under_the_statement_timeout(slow_app: tuple[FastAPI, SqlAlchemyDatabase]) -> None:
    _, database = slow_app
    async with SqlAlchemyUnitOfWork(database) as uow:
        session = uow._session  # the test looks inside on purpose
        assert (await session.execute(text("SHOW statement_timeout"))).scalar_one() == "200ms"


async def test_many_abandoned_requests_leak_no_connection(slow_app: tuple[FastAPI, SqlAlchemyDatabase]) -> None:
    """Clients that give up mid-query (their request task is cancelled) leave every
    connection checked in and working."""
    app, database = slow_app
    async with make_client(app) as client:
        requests = [asyncio.create_task(client.get("/api/v1/users/1")) for _ in range(40)]
        await asyncio.sleep(0.1)
        for request in requests:
            request.cancel()
        outcomes = await asyncio.gather(*requests, return_exceptions=True)
        assert all(isinstance(o, (asyncio.CancelledError, httpx.Response)) for o in outcomes)
        await asyncio.sleep(0.3)  # cancelled statements are being cancelled server-side
        assert database.pool_status().checked_out == 0
        assert (await client.get("/api/v1/users/search", params={"q": "nobody"})).status_code == 200
    assert await all_connections_work(database)


@pytest.mark.parametrize("pre_ping", [False, True], ids=["closed-check", "pre-ping"])
async def test_requests_succeed_after_every_pooled_connection_was_killed(
    request: pytest.FixtureRequest, pre_ping: bool, hasher: Argon2PasswordHasher
) -> None:
    """Dead idle connections (a restarted server, a proxy's idle cut) are caught at
    checkout and replaced, by the free closed-socket check alone (the default) or with
    pre-ping; no request sees them."""
    application_name = f"inkwell-test-{uuid.uuid4().hex[:8]}"
    settings = await sql_settings(request, "postgres", db_application_name=application_name, db_pool_pre_ping=pre_ping)
    container = wired(settings, hasher)
    async with serving(container) as client:
        search = {"q": "nobody"}
        warm = await asyncio.gather(*(client.get("/api/v1/users/search", params=search) for _ in range(15)))
        assert {r.status_code for r in warm} == {200}
        killed = await terminate_backends(application_name)
        assert killed >= 1
        after = await asyncio.gather(*(client.get("/api/v1/users/search", params=search) for _ in range(30)))
        assert [r.status_code for r in after] == [200] * 30
        database = container.database()
        assert isinstance(database, SqlAlchemyDatabase)
        assert database.pool_status().invalidations >= killed


async def terminate_backends(application_name: str) -> int:
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        rows = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", application_name
        )
    finally:
        await admin.close()
    await asyncio.sleep(0.2)  # let the server finish them
    return len(rows)
