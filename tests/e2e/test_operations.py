"""/metrics, /api/v1/admin/pool, and what a request gets when the pool is exhausted."""

from __future__ import annotations

import re

import httpx
import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.database import SqlAlchemyDatabase
from entrypoints.container import Container
from tests.e2e.conftest import serving, sql_settings, wired
from tests.e2e.helpers import bearer, make_superuser, sign_up

POOL_SERIES = (
    "db_pool_size",
    "db_pool_checked_out",
    "db_pool_checked_in",
    "db_pool_overflow",
    "db_pool_connects_total",
    "db_pool_checkouts_total",
    "db_pool_checkins_total",
    "db_pool_resets_total",
    "db_pool_invalidations_total",
    "db_pool_checkout_timeouts_total",
)


def sample(metrics_text: str, series: str) -> float:
    """The value of one sample line, e.g. ``db_pool_size{role="primary"}``."""
    match = re.search(rf"^{re.escape(series)} (\S+)$", metrics_text, re.MULTILINE)
    assert match, f"{series} not in /metrics"
    return float(match.group(1))


async def test_metrics_expose_pool_gauges_and_counters_per_role(client: httpx.AsyncClient) -> None:
    await client.get("/api/v1/users/1")
    text = (await client.get("/metrics")).text
    for series in POOL_SERIES:
        sample(text, f'{series}{{role="primary"}}')


async def test_metrics_count_requests_by_route_template_not_raw_path(client: httpx.AsyncClient) -> None:
    for user_id in (1, 2, 3):
        await client.get(f"/api/v1/users/{user_id}")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert sample(text, 'http_requests_total{method="GET",route="/api/v1/users/{user_id}",status="404"}') == 3
    assert 'route="/api/v1/users/1"' not in text
    assert 'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/users/{user_id}"}' in text


async def test_admin_pool_is_for_superusers(client: httpx.AsyncClient, container: Container) -> None:
    plain = await sign_up(client, "plain")
    assert (await client.get("/api/v1/admin/pool")).status_code == 401
    assert (await client.get("/api/v1/admin/pool", headers=bearer(plain.token))).status_code == 403
    root = await make_superuser(client, container)
    response = await client.get("/api/v1/admin/pool", headers=bearer(root.token))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"primary", "replica"}
    assert set(body["primary"]) == {"size", "checked_in", "checked_out", "overflow", "invalidated"}
    assert body["replica"] is None


@pytest.fixture
async def one_connection_app(request: pytest.FixtureRequest, hasher: Argon2PasswordHasher) -> Container:
    settings = await sql_settings(request, "postgres", db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.5)
    return wired(settings, hasher)


async def test_exhausted_pool_answers_503_with_retry_after(one_connection_app: Container) -> None:
    container = one_connection_app
    async with serving(container) as client:
        database = container.database()
        assert isinstance(database, SqlAlchemyDatabase)
        async with database.read_one():  # another holder keeps the only connection
            response = await client.get("/api/v1/users/1")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "2"
        assert "Database unavailable" in response.json()["detail"]
        text = (await client.get("/metrics")).text
        assert sample(text, 'db_pool_checkout_timeouts_total{role="primary"}') == 1
        assert (await client.get("/api/v1/users/1")).status_code == 404


async def test_every_connection_handed_out_comes_back_reset(client: httpx.AsyncClient) -> None:
    for user_id in (1, 2, 3):
        await client.get(f"/api/v1/users/{user_id}")
    await sign_up(client, "counted")
    text = (await client.get("/metrics")).text
    checkouts = sample(text, 'db_pool_checkouts_total{role="primary"}')
    assert sample(text, 'db_pool_checkins_total{role="primary"}') == checkouts
    assert sample(text, 'db_pool_resets_total{role="primary"}') == checkouts
