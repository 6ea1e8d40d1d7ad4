"""Through a real PgBouncer in transaction pooling mode (DB_PGBOUNCER=true): many
concurrent requests of every kind, reads and writes interleaved on shared server
connections, and not one error. (The whole e2e suite also runs on this backend.)"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable

import httpx
import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from tests.e2e.conftest import serving, sql_settings, wired
from tests.e2e.helpers import USERS, Account, sign_up
from tests.pgbouncer import PgBouncer

REQUESTS = 2000
ACCOUNTS = 10

Request = Callable[[httpx.AsyncClient, random.Random], Awaitable[httpx.Response]]


def mixed_requests(accounts: list[Account], post_ids: list[int]) -> list[Request]:
    """One of each kind of request the API serves most: reads, writes and a read-your-write."""

    def anyone(rng: random.Random) -> Account:
        return rng.choice(accounts)

    async def get_user(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        return await client.get(f"{USERS}{anyone(rng).id}")

    async def list_users(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        return await client.get(USERS, params={"limit": rng.randint(1, 20)})

    async def search(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        return await client.get(f"{USERS}search", params={"q": "bouncer"})

    async def with_posts(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        return await client.get(f"{USERS}{anyone(rng).id}/with-posts")

    async def me(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        return await client.get(f"{USERS}me", headers=anyone(rng).headers)

    async def create_post(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        body = {"title": f"t{rng.random()}", "content": "through the bouncer", "published": True}
        return await client.post("/api/v1/posts", json=body, headers=anyone(rng).headers)

    async def comment(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        url = f"/api/v1/posts/{rng.choice(post_ids)}/comments"
        return await client.post(url, json={"content": "hello"}, headers=anyone(rng).headers)

    async def rename(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        account = anyone(rng)
        return await client.patch(
            f"{USERS}{account.id}", json={"full_name": f"n{rng.random()}"}, headers=account.headers
        )

    async def follow(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        follower, followee = rng.sample(accounts, 2)
        return await client.post(f"{USERS}{followee.id}/follow", headers=follower.headers)

    return [get_user, list_users, search, with_posts, me, create_post, comment, rename, follow]


async def test_2000_concurrent_mixed_requests_through_pgbouncer_all_succeed(
    request: pytest.FixtureRequest, pgbouncer: PgBouncer, hasher: Argon2PasswordHasher
) -> None:
    settings = await sql_settings(request, "pgbouncer", db_pool_timeout=30)
    database_name = settings.database_url.rsplit("/", 1)[1]
    container = wired(settings, hasher)
    async with serving(container) as client:
        accounts = [await sign_up(client, f"bouncer{n}") for n in range(ACCOUNTS)]
        first_post = await client.post(
            "/api/v1/posts", json={"title": "first", "content": "c", "published": True}, headers=accounts[0].headers
        )
        assert first_post.status_code == 201, first_post.text
        kinds = mixed_requests(accounts, [first_post.json()["id"]])
        transactions_before = pgbouncer.transactions(database_name)

        rng = random.Random(5)
        chosen = [rng.choice(kinds) for _ in range(REQUESTS)]
        responses = await asyncio.gather(*(kind(client, random.Random(n)) for n, kind in enumerate(chosen)))

        failures = Counter(
            (kind.__name__, response.status_code, response.text[:120])
            for kind, response in zip(chosen, responses, strict=True)
            if response.status_code >= 400
        )
        assert not failures
        assert pgbouncer.transactions(database_name) - transactions_before >= REQUESTS
        database = container.database()
        assert database.pool_status().checked_out == 0
