"""Reads on a real streaming replica (pg_basebackup -R of a throw-away primary), writes
and the caller's own reads on the primary, and a fallback when the replica is gone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.replicas import ReplicaRouter
from entrypoints.container import replica_router
from entrypoints.settings import Settings
from tests import pg_cluster
from tests.conftest import run_in_thread, skip_unless_ci
from tests.databases import migrate, recorded_statements
from tests.e2e.conftest import serving, wired
from tests.e2e.helpers import bearer, make_superuser

Pair = tuple[pg_cluster.Cluster, pg_cluster.Cluster]


@pytest.fixture
def primary_and_replica() -> Iterator[Pair]:
    reason = pg_cluster.available()
    if reason:
        skip_unless_ci(reason)
    primary = pg_cluster.Cluster.create()
    primary.start()
    replica = None
    try:
        run_in_thread(migrate(primary.url()))
        replica = primary.replica()
        replica.start()
        yield primary, replica
    finally:
        if replica is not None:
            replica.destroy()
        primary.destroy()


async def replicated(client: Any, path: str, seconds: float = 5.0) -> Any:
    """Poll a read until the replica has caught up with it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = await client.get(path)
        if response.status_code == 200:
            return response
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} never answered 200 from the replica")


async def test_reads_use_the_replica_writes_and_own_reads_the_primary(
    primary_and_replica: Pair, hasher: Argon2PasswordHasher
) -> None:
    primary, replica = primary_and_replica
    container = wired(Settings(database_url=primary.url(), database_replica_url=replica.url()), hasher)
    async with serving(container) as client:
        router = replica_router(container)
        assert isinstance(router, ReplicaRouter)
        async with router.replica.read_one() as connection:
            assert (await connection.execute(text("SELECT pg_is_in_recovery()"))).scalar_one() is True
        async with router.primary.read_one() as connection:
            assert (await connection.execute(text("SELECT pg_is_in_recovery()"))).scalar_one() is False

        queries = ("SELECT", "INSERT", "UPDATE", "DELETE")
        async with (
            recorded_statements(router.primary, *queries) as on_primary,
            recorded_statements(router.replica, *queries) as on_replica,
        ):
            root = await make_superuser(client, container)
            patched = await client.patch(
                f"/api/v1/users/{root.id}", json={"full_name": "Root Admin"}, headers=bearer(root.token)
            )
            assert patched.json()["full_name"] == "Root Admin"  # the caller's own write, read back from the primary
            writes_on_primary = len(on_primary)
            assert len(on_replica) == 0

            await replicated(client, f"/api/v1/users/{root.id}/profile")
            for path in (
                f"/api/v1/users/{root.id}",
                "/api/v1/users/",
                "/api/v1/posts/",
                f"/api/v1/users/{root.id}/with-posts",
            ):
                assert (await client.get(path)).status_code == 200
            assert len(on_replica) >= 5
            assert len(on_primary) == writes_on_primary
        assert (await client.get("/health")).json()["replica"] == "connected"
        pools = (await client.get("/api/v1/admin/pool", headers=bearer(root.token))).json()
        assert pools["replica"] is not None
        assert 'db_pool_size{role="replica"}' in (await client.get("/metrics")).text


async def test_reads_fall_back_to_the_primary_when_the_replica_is_gone(
    primary_and_replica: Pair, hasher: Argon2PasswordHasher
) -> None:
    primary, replica = primary_and_replica
    container = wired(Settings(database_url=primary.url(), database_replica_url=replica.url()), hasher)
    async with serving(container) as client:
        root = await make_superuser(client, container)
        await replicated(client, f"/api/v1/users/{root.id}")
        await asyncio.to_thread(replica.stop)

        answers = [await client.get(f"/api/v1/users/{root.id}") for _ in range(5)]
        assert [a.status_code for a in answers] == [200] * 5
        health = await client.get("/health")
        assert health.status_code == 200
        assert health.json()["status"] == "healthy"
        assert health.json()["replica"].startswith("degraded")
