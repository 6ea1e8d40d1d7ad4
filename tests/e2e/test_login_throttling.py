"""Login throttling over HTTP (API.md): after 10 failed attempts for one login name within
15 minutes, attempts for that name answer 429 with Retry-After until the window has passed,
even with the right password. One backend (memory) is enough: the throttle is not the
store's; the contract tests cover each throttle adapter, and test_login_throttle_workers
the counts shared between two workers through Redis."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
from dependency_injector import providers

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.e2e.conftest import BASE_URL, serving, wired
from tests.e2e.helpers import INCORRECT_LOGIN, ME, PASSWORD, TOKEN, bearer, register
from tests.fakes import ManualClock
from tests.redis_server import CLOSED_REDIS_URL

TOO_MANY = {"detail": "Too many login attempts"}
WRONG = "wrong-horse-9"


def throttled_container(hasher: Argon2PasswordHasher, **settings: Any) -> tuple[Container, ManualClock]:
    container = wired(Settings(persistence="memory", redis_url=None, **settings), hasher)
    clock = ManualClock()
    container.clock.override(providers.Object(clock))
    return container, clock


async def log_in(client: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post(TOKEN, data={"username": name, "password": password})


async def fail(client: httpx.AsyncClient, name: str, times: int) -> None:
    for attempt in range(times):
        response = await log_in(client, name, WRONG)
        assert response.status_code == 401, f"attempt {attempt + 1}: {response.status_code} {response.text}"
        assert response.json() == INCORRECT_LOGIN


def assert_too_many(response: httpx.Response, retry_after: int) -> None:
    assert response.status_code == 429, response.text
    assert response.json() == TOO_MANY
    assert response.headers["retry-after"] == str(retry_after)
    assert "www-authenticate" not in response.headers


async def test_ten_failed_logins_then_429_with_retry_after_even_with_the_right_password(
    hasher: Argon2PasswordHasher,
) -> None:
    container, clock = throttled_container(hasher)
    async with serving(container) as client:
        await register(client, "ada")
        await fail(client, "ada", 5)
        await fail(client, "ADA", 5)  # one name, compared case-insensitively
        clock.advance(timedelta(minutes=1))

        assert_too_many(await log_in(client, "ada"), 14 * 60)
        assert_too_many(await log_in(client, "Ada", WRONG), 14 * 60)
        assert (await log_in(client, "someone-else", WRONG)).status_code == 401

        clock.advance(timedelta(minutes=14))  # the window has passed
        response = await log_in(client, "ada")
        assert response.status_code == 200, response.text
        assert (await client.get(ME, headers=bearer(response.json()["access_token"]))).status_code == 200


async def test_a_successful_login_clears_the_names_count(hasher: Argon2PasswordHasher) -> None:
    container, _ = throttled_container(hasher)
    async with serving(container) as client:
        await register(client, "ada")
        await fail(client, "ada", 9)
        assert (await log_in(client, "ada")).status_code == 200

        await fail(client, "ada", 10)

        assert_too_many(await log_in(client, "ada"), 15 * 60)


async def test_the_limits_are_settings_and_zero_turns_the_throttle_off(hasher: Argon2PasswordHasher) -> None:
    container, _ = throttled_container(hasher, login_max_failures=3, login_failure_window_seconds=60)
    async with serving(container) as client:
        await fail(client, "nobody", 3)
        assert_too_many(await log_in(client, "nobody"), 60)

    container, _ = throttled_container(hasher, login_max_failures=0)
    async with serving(container) as client:
        await register(client, "ada")
        await fail(client, "ada", 25)
        assert (await log_in(client, "ada")).status_code == 200


@asynccontextmanager
async def clients_from(container: Container, *hosts: str) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Clients of one started app, each from its own address."""
    app = create_app(container)
    async with app.router.lifespan_context(app):
        clients = [
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(host, 40000)), base_url=BASE_URL)
            for host in hosts
        ]
        try:
            yield clients
        finally:
            for client in clients:
                await client.aclose()


async def test_the_per_address_limit_counts_failures_of_any_name_from_one_address(
    hasher: Argon2PasswordHasher,
) -> None:
    container, _ = throttled_container(hasher, login_max_failures_per_address=3)
    async with clients_from(container, "203.0.113.7", "198.51.100.2") as (spraying, elsewhere):
        await register(elsewhere, "ada")
        for name in ("bob", "carol", "dave"):
            await fail(spraying, name, 1)

        assert_too_many(await log_in(spraying, "ada"), 15 * 60)
        assert (await log_in(elsewhere, "ada")).status_code == 200


async def test_a_redis_that_is_down_lets_logins_through_and_shows_in_metrics(hasher: Argon2PasswordHasher) -> None:
    container = wired(Settings(persistence="memory", redis_url=CLOSED_REDIS_URL, login_max_failures=2), hasher)
    async with serving(container) as client:
        before = await client.get("/metrics")
        await register(client, "ada")
        await fail(client, "ada", 3)

        response = await log_in(client, "ada")
        metrics = (await client.get("/metrics")).text

    assert re.search(r"^login_throttle_failures_open_total 0\.0$", before.text, re.MULTILINE), before.text
    assert response.status_code == 200, response.text
    assert re.search(r"^login_throttle_failures_open_total 4\.0$", metrics, re.MULTILINE), metrics
