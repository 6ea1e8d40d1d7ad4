"""The direct routes answer exactly what FastAPI answers, and only take what they can.

Two apps on one store: one with direct reads (the service's), one where FastAPI serves every
request. Every request below gets the same status, headers and body bytes from both; the
plain ones are answered by a direct route, the others are left to FastAPI. HTTP-only
behaviour, so one backend (memory) is enough."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.types import Message

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.http.direct import DirectRoutes
from entrypoints.settings import Settings
from tests.e2e.conftest import make_client, wired
from tests.e2e.helpers import Account, add_comment, create_post, sign_up

ROUTES_SERVED_DIRECTLY = {
    "/api/v1/users",
    "/api/v1/users/{user_id}",
    "/api/v1/users/{user_id}/with-posts",
    "/api/v1/users/{user_id}/profile",
    "/api/v1/users/{user_id}/followers",
    "/api/v1/users/{user_id}/following",
    "/api/v1/posts/{post_id}",
    "/api/v1/posts/{post_id}/comments",
    "/health",
    "/health/live",
    "/health/ready",
    "/metrics",
}


@dataclass(frozen=True)
class World:
    direct: FastAPI
    fastapi_only: FastAPI
    alice: Account
    draft_id: int
    post_id: int


@pytest.fixture
async def world(hasher: Argon2PasswordHasher) -> AsyncIterator[World]:
    container: Container = wired(Settings(persistence="memory"), hasher)
    direct, fastapi_only = create_app(container), create_app(container, direct_reads=False)
    async with direct.router.lifespan_context(direct), make_client(direct) as client:
        alice = await sign_up(client, "alice", full_name="Alice A")
        bob = await sign_up(client, "bob")
        post = await create_post(client, alice, published=True)
        draft = await create_post(client, alice, title="Secret", published=False)
        await add_comment(client, bob, post["id"], "Nice")
        assert (await client.post(f"/api/v1/users/{alice.id}/follow", headers=bob.headers)).status_code == 204
        fastapi_only.state.ready = True
        yield World(direct, fastapi_only, alice, draft["id"], post["id"])


def plain_requests(world: World) -> list[str]:
    """Requests a direct route answers: values spelt the plain way, within bounds."""
    user, post, draft = world.alice.id, world.post_id, world.draft_id
    return [
        "/api/v1/users",
        "/api/v1/users?skip=0&limit=1",
        "/api/v1/users?limit=1000&active_only=true",
        "/api/v1/users?active_only=false&unknown=x",
        f"/api/v1/users/{user}",
        "/api/v1/users/0",
        "/api/v1/users/999999",
        "/api/v1/users/9999999999",
        f"/api/v1/users/{user}/with-posts",
        f"/api/v1/users/{user}/profile",
        "/api/v1/users/404/profile",
        f"/api/v1/users/{user}/followers?skip=0&limit=5",
        f"/api/v1/users/{user}/following",
        f"/api/v1/posts/{post}",
        f"/api/v1/posts/{draft}",  # someone else's draft, to an anonymous caller: 404
        f"/api/v1/posts/{post}/comments?limit=1",
        f"/api/v1/posts/{post}/comments?after_id=0&skip=0",
        "/api/v1/users?limit=1&after_id=1",  # a full page: with a Link
        "/api/v1/users?after_id=0",
        "/api/v1/users?active_only=true&after_id=2147483647&limit=1",
        f"/api/v1/users?after_id={user}&skip=1&limit=1&unknown=x",
        f"/api/v1/users/{user}/followers?after_id=0&limit=1",
        f"/api/v1/users/{user}/following?after_id={user}",
        "/health/live",
    ]


def requests_left_to_fastapi(world: World) -> list[tuple[str, dict[str, str]]]:
    """Requests FastAPI must read: values to validate or refuse, and credentials."""
    user, draft = world.alice.id, world.draft_id
    return [
        ("/api/v1/users?limit=0", {}),
        ("/api/v1/users?limit=1001", {}),
        ("/api/v1/users?limit=", {}),
        ("/api/v1/users?limit=1&limit=2", {}),
        ("/api/v1/users?skip=-1", {}),
        ("/api/v1/users?skip=01", {}),
        ("/api/v1/users?skip=%31", {}),
        ("/api/v1/users?active_only=1", {}),
        ("/api/v1/users?active_only=True", {}),
        ("/api/v1/users?active_only", {}),
        ("/api/v1/users?after_id=abc", {}),
        ("/api/v1/users?after_id=-1", {}),
        ("/api/v1/users?after_id=1.5", {}),
        ("/api/v1/users?after_id=2147483648", {}),
        ("/api/v1/users?after_id=01", {}),
        ("/api/v1/users?after_id=", {}),
        (f"/api/v1/users/{user}/followers?after_id=-1", {}),
        (f"/api/v1/posts/{world.post_id}/comments?after_id=x", {}),
        ("/api/v1/users/abc", {}),
        ("/api/v1/users/-1", {}),
        ("/api/v1/users/007", {}),
        ("/api/v1/users/99999999999", {}),
        ("/api/v1/users/search?q=alice", {}),
        ("/api/v1/users/me", world.alice.headers),
        (f"/api/v1/users/{user}/with-posts", world.alice.headers),
        (f"/api/v1/posts/{draft}", world.alice.headers),
        (f"/api/v1/posts/{draft}", {"Authorization": "Bearer not-a-token"}),
        ("/api/v1/posts?limit=5", {}),
        ("/api/v1/nowhere", {}),
    ]


async def answer(app: FastAPI, url: str, headers: dict[str, str]) -> tuple[int, Any, bytes]:
    async with make_client(app) as client:  # one request id for both, else the ids would differ
        response = await client.get(url, headers={**headers, "X-Request-ID": "the-same"})
    return response.status_code, sorted(response.headers.multi_items()), response.content


async def test_every_request_gets_the_same_answer_either_way(world: World) -> None:
    cases: list[tuple[str, dict[str, str]]] = [(url, {}) for url in plain_requests(world)]
    cases += requests_left_to_fastapi(world)
    for url, headers in cases:
        assert await answer(world.direct, url, headers) == await answer(world.fastapi_only, url, headers), url


async def _serve_directly(app: FastAPI, url: str, headers: dict[str, str] | None = None) -> tuple[bool, list[Message]]:
    path, _, query = url.partition("?")
    raw_headers = [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": raw_headers,
        "root_path": "",
        "app": app,
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    served = await DirectRoutes(app).serve(scope, receive, send)
    return served, sent


async def test_plain_requests_are_served_by_a_direct_route(world: World) -> None:
    for url in plain_requests(world):
        served, sent = await _serve_directly(world.direct, url)
        assert served and sent[0]["type"] == "http.response.start", url


async def test_other_requests_are_left_to_fastapi_untouched(world: World) -> None:
    for url, headers in requests_left_to_fastapi(world):
        assert await _serve_directly(world.direct, url, headers) == (False, []), url


def test_the_plain_public_reads_have_direct_routes(world: World) -> None:
    assert {direct.route.path for direct in DirectRoutes(world.direct).compiled} == ROUTES_SERVED_DIRECTLY
