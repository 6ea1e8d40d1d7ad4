"""Failover: the primary crashes under load and its synchronous standby is promoted, as a
failover manager (Patroni, a cloud's) would do. The service names both servers in one
multi-host URL with ``target_session_attrs=read-write``, so new connections find whichever
one accepts writes; the connections to the crashed primary are dead ones (as is one that
lands on a server turned read-only: SQLSTATE 25006). Throw-away clusters, the real service
in its own process, 16 concurrent clients mixing reads and registrations.

With synchronous replication every acknowledged commit is on the standby before the client
hears of it, so nothing acknowledged is lost; asynchronous replication can lose the last
commits before the crash (the README says so)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import asyncpg
import pytest

from tests import pg_cluster
from tests.conftest import run_in_thread, skip_unless_ci
from tests.databases import migrate
from tests.e2e.load import Load, stored_usernames
from tests.servers import CHEAP_ARGON2, served

CRASH_TO_PROMOTION = 2.0  # what a failover manager takes to decide, roughly
WRITES_AGAIN_WITHIN = 5.0
OBSERVED_AFTER_PROMOTION = 6.0
Pair = tuple[pg_cluster.Cluster, pg_cluster.Cluster]


async def _replicate_synchronously(primary: pg_cluster.Cluster) -> None:
    """Make every commit on ``primary`` wait for its standby, and wait until it does."""
    connection = await asyncpg.connect(primary.url().replace("+asyncpg", ""))
    try:
        await connection.execute("ALTER SYSTEM SET synchronous_commit = 'on'")
        await connection.execute("ALTER SYSTEM SET synchronous_standby_names = '*'")
        await connection.execute("SELECT pg_reload_conf()")
        for _ in range(100):
            if await connection.fetchval("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'"):
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the standby never became synchronous")
    finally:
        await connection.close()


@pytest.fixture
def primary_and_standby() -> Iterator[Pair]:
    reason = pg_cluster.available()
    if reason:
        skip_unless_ci(reason)
    primary = pg_cluster.Cluster.create()
    standby = None
    primary.start()
    try:
        run_in_thread(migrate(primary.url()))
        standby = primary.replica()
        standby.start()
        run_in_thread(_replicate_synchronously(primary))
        yield primary, standby
    finally:
        if standby is not None:
            standby.destroy()
        primary.destroy()


def failover_url(primary: pg_cluster.Cluster, standby: pg_cluster.Cluster) -> str:
    return (
        "postgresql+asyncpg://postgres@/postgres"
        f"?host=127.0.0.1:{primary.port}&host=127.0.0.1:{standby.port}&target_session_attrs=read-write"
    )


async def test_the_primary_crashes_its_synchronous_standby_is_promoted_and_no_acknowledged_write_is_lost(
    primary_and_standby: Pair,
) -> None:
    primary, standby = primary_and_standby
    settings = {"DB_POOL_TIMEOUT": "2", "SHUTDOWN_DRAIN_SECONDS": "0", **CHEAP_ARGON2}
    with served(failover_url(primary, standby), settings) as base:
        async with Load.running(base, "failover") as load:
            await asyncio.sleep(1.0)
            await asyncio.to_thread(primary.stop, "immediate")
            crashed = time.perf_counter()
            await asyncio.sleep(CRASH_TO_PROMOTION)
            await asyncio.to_thread(standby.promote)
            promoted = time.perf_counter()
            await asyncio.sleep(OBSERVED_AFTER_PROMOTION)

    outcomes = load.outcomes
    writes_after = sorted(o.ended for o in outcomes if o.status == 201 and o.started >= promoted)
    acknowledged = {o.registered for o in outcomes if o.registered}
    print(
        f"\nfailover under load: {len(outcomes)} requests, {sum(o.status == 503 for o in outcomes)} x 503, "
        f"{sum(o.status == 500 for o in outcomes)} x 500, crash to promotion {promoted - crashed:.1f} s, "
        f"first write {writes_after[0] - promoted if writes_after else float('nan'):.2f} s after the promotion, "
        f"{len(acknowledged)} acknowledged registrations"
    )
    assert load.failed({200, 201, 503}) == [], "a 500, another status, or a dropped connection"
    assert [o for o in outcomes if o.status == 503 and not o.retry_after] == []
    assert writes_after and writes_after[0] - promoted <= WRITES_AGAIN_WITHIN, "no write within 5 s of the promotion"
    settled = [o for o in outcomes if o.started >= promoted + WRITES_AGAIN_WITHIN]
    assert settled and all(o.status in (200, 201) for o in settled), "still failing 5 s after the promotion"
    assert acknowledged <= await stored_usernames(standby.url(), "failover"), "an acknowledged write was lost"
