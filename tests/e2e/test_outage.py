"""The database goes away and comes back, or kills every connection of the service, under
load: clear answers, never a 500, never a dropped client connection, no acknowledged write
lost. A throw-away cluster (never the machine's shared server) and the real service in
its own process, driven by 16 concurrent clients over TCP mixing reads and registrations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.settings import Settings
from tests import pg_cluster
from tests.conftest import run_in_thread, skip_unless_ci
from tests.databases import migrate
from tests.e2e.conftest import serving, wired
from tests.e2e.load import SEARCH, Load, stored_usernames
from tests.servers import CHEAP_ARGON2, served

POOL_TIMEOUT = 5.0
OUTAGE_SECONDS = 10.0
# A request during the outage is answered (503) within this: not after waiting for a pooled
# connection (POOL_TIMEOUT). Half of it, not a latency: at 1.0 s, one request that met the
# outage mid-statement and ran again took 1.2 s in a full run on two cores.
ANSWER_WITHIN = POOL_TIMEOUT / 2
RECOVER_WITHIN = 2.0  # every request that starts this long after the restart succeeds
# A request runs again once when its connection is lost (application.transactions), so each
# must meet at most one kill: the kills are further apart than a request lasts. At 0.4 s a
# registration slowed to 0.8 s by a full test run on two cores met two and answered 503.
KILLS, KILL_INTERVAL = 5, 1.0
APPLICATION_NAME = "inkwell-outage-test"


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def service(cluster: pg_cluster.Cluster) -> Iterator[str]:
    """The real service on the cluster; module-wide, so it lives through every outage."""
    settings = {
        "DB_POOL_TIMEOUT": str(POOL_TIMEOUT),
        "DB_APPLICATION_NAME": APPLICATION_NAME,
        "SHUTDOWN_DRAIN_SECONDS": "0",
        **CHEAP_ARGON2,
    }
    with served(cluster.url(), settings) as base:
        yield base


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


async def test_an_outage_under_load_answers_503_at_once_and_loses_no_acknowledged_write(
    cluster: pg_cluster.Cluster, service: str
) -> None:
    async with Load.running(service, "outage") as load:
        await asyncio.sleep(1.0)
        stopping = time.perf_counter()
        await asyncio.to_thread(cluster.stop)
        down = time.perf_counter()
        await asyncio.sleep(OUTAGE_SECONDS - (down - stopping))
        restarting = time.perf_counter()
        await asyncio.to_thread(cluster.start)
        up = time.perf_counter()
        await asyncio.sleep(RECOVER_WITHIN + 1.0)

    outcomes = load.outcomes
    print(
        f"\noutage under load: {len(outcomes)} requests, "
        f"{sum(o.status == 503 for o in outcomes)} x 503, "
        f"{sum(o.status in (200, 201) for o in outcomes)} x 2xx, down {up - stopping:.1f} s"
    )
    assert load.failed({200, 201, 503}) == [], "a 500, another status, or a dropped connection"
    unavailable = [o for o in outcomes if o.status == 503]
    assert unavailable, "the outage was not seen"
    assert [o for o in unavailable if not o.retry_after] == []
    during = [o for o in outcomes if o.during(down, restarting)]
    assert during and all(o.status == 503 for o in during)
    assert [o for o in during if o.ended - o.started > ANSWER_WITHIN] == [], "a request waited on the outage"
    after = [o for o in outcomes if o.started >= up + RECOVER_WITHIN]
    assert after and all(o.status in (200, 201) for o in after), "not recovered within 2 s"
    acknowledged = {o.registered for o in outcomes if o.registered}
    assert acknowledged <= await stored_usernames(cluster.url(), "outage"), "an acknowledged registration was lost"


async def test_killing_every_connection_of_the_service_under_load_fails_no_request(
    cluster: pg_cluster.Cluster, service: str
) -> None:
    admin = await asyncpg.connect(cluster.url().replace("+asyncpg", ""))
    killed = 0
    try:
        async with Load.running(service, "killed") as load:
            await asyncio.sleep(0.5)
            for _ in range(KILLS):
                rows = await admin.fetch(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                    APPLICATION_NAME,
                )
                killed += len(rows)
                await asyncio.sleep(KILL_INTERVAL)
    finally:
        await admin.close()

    print(f"\nkilled {killed} backends under load: {len(load.outcomes)} requests")
    assert killed >= KILLS
    assert load.failed({200, 201}) == []
    acknowledged = {o.registered for o in load.outcomes if o.registered}
    assert acknowledged <= await stored_usernames(cluster.url(), "killed")
