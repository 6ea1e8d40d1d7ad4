"""Reads on real streaming replicas (pg_basebackup -R of a throw-away primary): writes on
the primary; reads spread over the replicas; a client that wrote reads its writes back
even from a replica that replays two seconds late (read-your-writes by WAL position), also when it
wrote through another instance; a replica lagging too far, or gone, is skipped. One
primary and two replicas for the module."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from adapters.redis.login_throttle import NAME_NAMESPACE
from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.replicas import ReplicaRouter
from entrypoints.container import Container, replica_router
from entrypoints.http.consistency import COOKIE, HEADER
from entrypoints.settings import Settings
from tests import pg_cluster, pgbouncer, redis_server
from tests.conftest import run_in_thread, skip_unless_ci
from tests.databases import migrate, recorded_statements
from tests.e2e.conftest import serving, wired
from tests.e2e.helpers import bearer, make_superuser
from tests.servers import CHEAP_ARGON2, served

APPLY_DELAY_SECONDS = 2.0
ROUNDS = 3


@dataclass(frozen=True)
class Clusters:
    primary: pg_cluster.Cluster
    replica: pg_cluster.Cluster
    late: pg_cluster.Cluster
    """Replays every commit APPLY_DELAY_SECONDS after the primary."""


@pytest.fixture(scope="module")
def clusters() -> Iterator[Clusters]:
    reason = pg_cluster.available()
    if reason:
        skip_unless_ci(reason)
    primary = pg_cluster.Cluster.create()
    primary.start()
    replicas: list[pg_cluster.Cluster] = []
    try:
        run_in_thread(migrate(primary.url()))
        replicas.append(primary.replica())
        replicas.append(primary.replica(apply_delay=f"{APPLY_DELAY_SECONDS:g}s"))
        for replica in replicas:
            replica.start()
        yield Clusters(primary, *replicas)
    finally:
        for replica in replicas:
            replica.destroy()
        primary.destroy()


def on(clusters: Clusters, *replicas: pg_cluster.Cluster, hasher: Argon2PasswordHasher, **settings: Any) -> Container:
    replica_url = ",".join(replica.url() for replica in replicas)
    return wired(Settings(database_url=clusters.primary.url(), database_replica_url=replica_url, **settings), hasher)


def router_of(container: Container) -> ReplicaRouter:
    router = replica_router(container)
    assert isinstance(router, ReplicaRouter)
    return router


async def replicated(client: httpx.AsyncClient, path: str, seconds: float = 5.0) -> httpx.Response:
    """Poll a read (without a token) until the replicas have caught up with it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = await client.get(path)
        if response.status_code == 200:
            return response
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} never answered 200 from the replica")


def reads_of_users(statements: list[str]) -> int:
    return sum("FROM USERS" in statement for statement in statements)


async def test_reads_use_the_replica_and_writes_the_primary(clusters: Clusters, hasher: Argon2PasswordHasher) -> None:
    container = on(clusters, clusters.replica, hasher=hasher)
    async with serving(container) as client:
        router = router_of(container)
        [replica] = router.replicas
        async with replica.database.read_one() as connection:
            assert (await connection.execute(text("SELECT pg_is_in_recovery()"))).scalar_one() is True
        async with router.primary.read_one() as connection:
            assert (await connection.execute(text("SELECT pg_is_in_recovery()"))).scalar_one() is False

        queries = ("SELECT", "INSERT", "UPDATE", "DELETE")
        async with (
            recorded_statements(router.primary, *queries) as on_primary,
            recorded_statements(replica.database, *queries) as on_replica,
        ):
            root = await make_superuser(client, container, "rootplain")
            patched = await client.patch(
                f"/api/v1/users/{root.id}", json={"full_name": "Root Admin"}, headers=bearer(root.token)
            )
            assert patched.json()["full_name"] == "Root Admin"
            assert patched.headers[HEADER]
            reads_on_primary = reads_of_users(on_primary)
            assert reads_of_users(on_replica) == 0

            client.cookies.clear()  # reads without a token may go to any replica
            await replicated(client, f"/api/v1/users/{root.id}/profile")
            for path in (
                f"/api/v1/users/{root.id}",
                "/api/v1/users/",
                "/api/v1/posts/",
                f"/api/v1/users/{root.id}/with-posts",
            ):
                assert (await client.get(path)).status_code == 200
            assert reads_of_users(on_replica) >= 4
            assert reads_of_users(on_primary) == reads_on_primary
        assert (await client.get("/health")).json()["replica"] == "connected"
        pools = (await client.get("/api/v1/admin/pool", headers=bearer(root.token))).json()
        assert pools["replica"] is not None
        assert set(pools["replicas"]) == {"replica"}
        assert pools["replicas"]["replica"]["reachable"] is True
        metrics = (await client.get("/metrics")).text
        assert 'db_pool_size{role="replica"}' in metrics
        assert 'db_replica_lag_seconds{role="replica"}' in metrics


async def test_a_client_reads_its_own_writes_through_a_replica_that_lags(
    clusters: Clusters, hasher: Argon2PasswordHasher
) -> None:
    container = on(clusters, clusters.late, hasher=hasher)
    async with serving(container) as client:
        [late] = router_of(container).replicas
        await asyncio.sleep(0.3)  # its first checks
        own, by_header, without = [], [], []
        async with recorded_statements(late.database, "SELECT") as on_late:
            for round_ in range(ROUNDS):
                body = {"email": f"ryw{round_}@example.com", "username": f"ryw{round_}", "password": "password123"}
                created = await client.post("/api/v1/users/", json=body)
                assert created.status_code == 201
                token = created.headers[HEADER]
                assert client.cookies[COOKIE] == token
                path = f"/api/v1/users/{created.json()['id']}"
                own.append((await client.get(path)).status_code)  # presents the cookie
                client.cookies.clear()
                by_header.append((await client.get(path, headers={HEADER: token})).status_code)
                without.append((await client.get(path)).status_code)  # no token: the late replica
        print(
            f"\nread-your-writes through a replica {APPLY_DELAY_SECONDS:g} s behind: by cookie {own}, "
            f"by header {by_header}, without a token {without}"
        )
        assert own == [200] * ROUNDS
        assert by_header == [200] * ROUNDS
        assert without == [404] * ROUNDS, "reads without a token did not land on the replica"
        assert reads_of_users(on_late) >= ROUNDS
        assert (await replicated(client, path)).status_code == 200


async def test_reads_go_round_the_replicas_and_skip_one_lagging_too_far(
    clusters: Clusters, hasher: Argon2PasswordHasher
) -> None:
    container = on(clusters, clusters.replica, clusters.late, hasher=hasher, db_replica_max_lag_seconds=1.0)
    async with serving(container) as client:
        prompt, late = router_of(container).replicas
        root = await make_superuser(client, container, "rootround")
        client.cookies.clear()
        await asyncio.sleep(APPLY_DELAY_SECONDS + 0.5)  # both have replayed everything: no lag
        async with (
            recorded_statements(prompt.database, "SELECT") as on_prompt,
            recorded_statements(late.database, "SELECT") as on_late,
        ):
            for _ in range(6):
                assert (await client.get(f"/api/v1/users/{root.id}")).status_code == 200
                await asyncio.sleep(0.12)  # past the replicas' state checks
        evenly = (reads_of_users(on_prompt), reads_of_users(on_late))
        assert evenly == (3, 3)

        # Writes the late one has received but not replayed: it falls behind by more than 1 s.
        for round_ in range(3):
            body = {"email": f"lag{round_}@example.com", "username": f"lag{round_}", "password": "password123"}
            assert (await client.post("/api/v1/users/", json=body)).status_code == 201
            await asyncio.sleep(0.5)
        client.cookies.clear()
        async with (
            recorded_statements(prompt.database, "SELECT") as on_prompt,
            recorded_statements(late.database, "SELECT") as on_late,
        ):
            for _ in range(6):
                assert (await client.get(f"/api/v1/users/{root.id}")).status_code == 200
        lagging = late.state.lag_seconds
        print(
            f"\nround robin over two replicas: {evenly}; with one {lagging:.1f} s behind: "
            f"{(reads_of_users(on_prompt), reads_of_users(on_late))}"
        )
        assert lagging is not None and lagging > 1.0
        assert (reads_of_users(on_prompt), reads_of_users(on_late)) == (6, 0)
        pools = (await client.get("/api/v1/admin/pool", headers=bearer(root.token))).json()
        assert set(pools["replicas"]) == {"replica-1", "replica-2"}
        assert pools["replicas"]["replica-2"]["lag_seconds"] > 1.0


async def test_reads_fall_back_to_the_primary_when_the_replica_is_gone(
    clusters: Clusters, hasher: Argon2PasswordHasher
) -> None:
    container = on(clusters, clusters.replica, hasher=hasher)
    async with serving(container) as client:
        root = await make_superuser(client, container, "rootgone")
        client.cookies.clear()
        await replicated(client, f"/api/v1/users/{root.id}")
        await asyncio.to_thread(clusters.replica.stop)
        try:
            answers = [await client.get(f"/api/v1/users/{root.id}") for _ in range(5)]
            assert [a.status_code for a in answers] == [200] * 5
            health = await client.get("/health")
            assert health.status_code == 200
            assert health.json()["status"] == "healthy"
            assert health.json()["replica"].startswith("degraded")
        finally:
            await asyncio.to_thread(clusters.replica.start)


async def test_two_instances_behind_one_pgbouncer_share_redis_and_each_reads_the_others_writes(
    clusters: Clusters,
) -> None:
    for reason in (pgbouncer.available(), redis_server.unreachable()):
        if reason:
            skip_unless_ci(reason)
    bouncer = pgbouncer.PgBouncer(clusters.primary.url())
    bouncer.start()
    suffix = pg_cluster.free_port()
    names = [f"twin{suffix}a", f"twin{suffix}b"]
    keys = [NAME_NAMESPACE + hashlib.sha256(name.encode()).hexdigest() for name in names]
    settings = {
        "DB_PGBOUNCER": "true",
        "DATABASE_REPLICA_URL": clusters.late.url(),
        "REDIS_URL": redis_server.REDIS_URL,
        "LOGIN_MAX_FAILURES": "4",
        "SHUTDOWN_DRAIN_SECONDS": "0",
        **CHEAP_ARGON2,
    }
    try:
        with served(bouncer.url("postgres"), settings) as one, served(bouncer.url("postgres"), settings) as two:
            async with httpx.AsyncClient(base_url=one) as a, httpx.AsyncClient(base_url=two) as b:
                instances = (a, b)
                for writer, name in zip(instances, names, strict=True):
                    reader = b if writer is a else a
                    body = {"email": f"{name}@example.com", "username": name, "password": "password123"}
                    created = await writer.post("/api/v1/users/", json=body)
                    assert created.status_code == 201, created.text
                    token = created.headers[HEADER]
                    path = f"/api/v1/users/{created.json()['id']}"
                    assert (await reader.get(path, headers={HEADER: token})).status_code == 200
                    reader.cookies.clear()  # its own earlier write's token would send it to the primary
                    assert (await reader.get(path)).status_code == 404  # no token: the late replica

                failures = [
                    (
                        await instances[n % 2].post("/api/v1/auth/token", data={"username": names[0], "password": "no"})
                    ).status_code
                    for n in range(4)
                ]
                refused = await b.post("/api/v1/auth/token", data={"username": names[0], "password": "password123"})
                welcome = await a.post("/api/v1/auth/token", data={"username": names[1], "password": "password123"})
        print(f"\ntwo instances behind one PgBouncer: failures {failures}, then {refused.status_code}")
        assert failures == [401] * 4
        assert refused.status_code == 429, "the instances did not share the failure count"
        assert welcome.status_code == 200
        assert bouncer.transactions("postgres") > 0
    finally:
        bouncer.stop()
        redis_server.delete_keys(redis_server.REDIS_URL, *keys)
