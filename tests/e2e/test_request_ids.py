"""X-Request-ID on every response, in the log lines of its request, and CORS when configured.
HTTP-only behaviour: the memory backend."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from asgi_correlation_id import CorrelationIdFilter

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.http.app import create_app
from entrypoints.logs import formatter
from entrypoints.settings import Settings
from tests.e2e.conftest import make_client, wired

FRESH_ID = re.compile(r"[0-9a-f]{32}")
ALLOWED_ORIGIN = "https://app.example"


@asynccontextmanager
async def started(hasher: Argon2PasswordHasher, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(wired(Settings(persistence="memory", **settings), hasher))

    async def crash() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/crash", crash)
    async with app.router.lifespan_context(app), make_client(app) as client:
        yield client


@pytest.fixture
async def client(hasher: Argon2PasswordHasher) -> AsyncIterator[httpx.AsyncClient]:
    async with started(hasher, access_log=True, cors_origins=f"{ALLOWED_ORIGIN}, https://other.example") as client:
        yield client


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the service logs, as LOG_FORMAT=json writes it."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.addFilter(CorrelationIdFilter())
    handler.setFormatter(formatter("json"))
    logger = logging.getLogger("inkwell")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield written
    logger.removeHandler(handler)
    logger.setLevel(level)


ANSWERS = [
    ("GET", "/api/v1/users", None, 200),  # a direct route
    ("GET", "/api/v1/users/search?q=x", None, 422),
    ("GET", "/api/v1/users/404", None, 404),
    ("GET", "/api/v1/nowhere", None, 404),
    ("PUT", "/api/v1/users", None, 405),
    ("GET", "/api/v1/users?q=%FF", None, 400),
    ("POST", "/api/v1/users", b"x" * (1024 * 1024 + 1), 413),
    ("GET", "/crash", None, 500),
    ("GET", "/health/live", None, 200),
]


@pytest.mark.parametrize(("method", "url", "body", "status"), ANSWERS)
async def test_every_answer_carries_a_fresh_request_id(
    client: httpx.AsyncClient, method: str, url: str, body: bytes | None, status: int
) -> None:
    response = await client.request(method, url, content=body)
    assert response.status_code == status
    assert FRESH_ID.fullmatch(response.headers["x-request-id"])


@pytest.mark.parametrize(("method", "url", "body", "status"), ANSWERS)
async def test_a_request_id_sent_comes_back(
    client: httpx.AsyncClient, method: str, url: str, body: bytes | None, status: int
) -> None:
    sent = "abc-" + "~" * 196
    response = await client.request(method, url, content=body, headers={"X-Request-ID": sent})
    assert (response.status_code, response.headers.get_list("x-request-id")) == (status, [sent])


@pytest.mark.parametrize("unacceptable", ["a" * 201, "has space", "tab\there", "é"])
async def test_an_unacceptable_request_id_is_replaced(client: httpx.AsyncClient, unacceptable: str) -> None:
    response = await client.get("/api/v1/users", headers={b"X-Request-ID": unacceptable.encode()})
    assert FRESH_ID.fullmatch(response.headers["x-request-id"])


async def test_a_crash_answers_in_fastapis_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/crash")
    assert response.json() == {"detail": "Internal Server Error"}


async def test_the_access_line_is_json_with_the_request_id(client: httpx.AsyncClient, json_lines: io.StringIO) -> None:
    await client.get("/api/v1/users/7", headers={"X-Request-ID": "abc"})
    await client.get("/api/v1/users/search?q=al", headers={"X-Request-ID": "def"})
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "inkwell.access"]
    assert [(line["request_id"], line["method"], line["route"], line["status"]) for line in access] == [
        ("abc", "GET", "/api/v1/users/{user_id}", 404),
        ("def", "GET", "/api/v1/users/search", 200),
    ]
    for line in access:
        assert {"time", "level", "message"} <= line.keys() and line["level"] == "INFO"
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


async def test_no_access_line_unless_asked(hasher: Argon2PasswordHasher, json_lines: io.StringIO) -> None:
    async with started(hasher) as client:
        assert (await client.get("/api/v1/users")).status_code == 200
    assert "inkwell.access" not in json_lines.getvalue()


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }


async def test_a_preflight_from_an_allowed_origin_is_answered(client: httpx.AsyncClient) -> None:
    response = await client.options("/api/v1/posts", headers=preflight(ALLOWED_ORIGIN))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_a_preflight_from_another_origin_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.options("/api/v1/posts", headers=preflight("https://evil.example"))
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_a_simple_request_from_an_allowed_origin_may_read_the_answer(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/users", headers={"Origin": ALLOWED_ORIGIN})
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


async def test_without_cors_origins_no_browser_may_call(hasher: Argon2PasswordHasher) -> None:
    async with started(hasher) as client:
        response = await client.get("/api/v1/users", headers={"Origin": ALLOWED_ORIGIN})
        assert "access-control-allow-origin" not in response.headers
