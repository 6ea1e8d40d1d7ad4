"""/health, /health/live and /health/ready (no prefix, no auth)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.e2e.conftest import make_client

HEALTHY = {"status": "healthy", "database": "connected"}


async def test_health_answers_healthy_and_connected_when_the_database_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == HEALTHY


async def test_live_answers_alive_when_the_app_is_running(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


async def test_ready_answers_200_healthy_when_the_app_is_running(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == HEALTHY


async def test_health_needs_no_auth_when_a_garbage_token_is_sent(client: httpx.AsyncClient) -> None:
    for path in ("/health", "/health/live", "/health/ready"):
        response = await client.get(path, headers={"Authorization": "Bearer garbage"})
        assert response.status_code == 200, (path, response.text)


async def test_ready_answers_503_when_the_app_has_not_started(app: FastAPI) -> None:
    async with make_client(app) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 503


async def test_live_answers_alive_when_the_app_has_not_started(app: FastAPI) -> None:
    async with make_client(app) as client:
        response = await client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


async def test_ready_answers_503_when_the_app_has_shut_down(app: FastAPI) -> None:
    async with make_client(app) as client:
        async with app.router.lifespan_context(app):
            assert (await client.get("/health/ready")).status_code == 200

        response = await client.get("/health/ready")

    assert response.status_code == 503
