"""The database goes away and comes back: the service answers 503 meanwhile, never 500,
never hangs, and recovers by itself. Uses its own throw-away cluster, never the
machine's shared server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.settings import Settings
from tests import pg_cluster
from tests.conftest import run_in_thread, skip_unless_ci
from tests.databases import migrate
from tests.e2e.conftest import serving, wired

POOL_TIMEOUT = 5.0
SEARCH = ("/api/v1/users/search", {"q": "nobody"})


@pytest.fixture
def cluster() -> Iterator[pg_cluster.Cluster]:
    reason = pg_cluster.available()
    if reason:
        skip_unless_ci(reason)
    server = pg_cluster.Cluster.create()
    server.start()
    try:
        run_in_thread(migrate(server.url()))
        yield server
    finally:
        server.destroy()


async def recovered_within(client: httpx.AsyncClient, seconds: float) -> float:
    """Seconds until the API answers 200 again; fails the test after ``seconds``."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if (await client.get(SEARCH[0], params=SEARCH[1])).status_code == 200:
            return time.perf_counter() - started
        await asyncio.sleep(0.05)
    raise AssertionError(f"no recovery within {seconds} s")


async def test_database_down_then_back(cluster: pg_cluster.Cluster, hasher: Argon2PasswordHasher) -> None:
    settings = Settings(database_url=cluster.url(), db_pool_timeout=POOL_TIMEOUT)
    async with serving(wired(settings, hasher)) as client:
        assert (await client.get(SEARCH[0], params=SEARCH[1])).status_code == 200

        await asyncio.to_thread(cluster.stop)
        started = time.perf_counter()
        health = await client.get("/health")
        ready = await client.get("/health/ready")
        api = await client.get(SEARCH[0], params=SEARCH[1])
        write = await client.post(
            "/api/v1/users/", json={"email": "down@example.com", "username": "down", "password": "password123"}
        )
        assert time.perf_counter() - started < POOL_TIMEOUT
        assert (health.status_code, health.json()["status"]) == (503, "unhealthy")
        assert ready.status_code == 503
        assert api.status_code == 503
        assert api.headers["retry-after"]
        assert write.status_code == 503

        await asyncio.to_thread(cluster.start)
        assert await recovered_within(client, 2.0) < 2.0
        assert (await client.get("/health")).json() == {"status": "healthy", "database": "connected"}
        created = await client.post(
            "/api/v1/users/", json={"email": "back@example.com", "username": "back", "password": "password123"}
        )
        assert created.status_code == 201
