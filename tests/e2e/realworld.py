"""Helpers for the RealWorld (``/api``) end-to-end tests: users as RealWorld clients see them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "correct-horse-9"
# What RealWorld's own API tests accept (JavaScript's toISOString writes it).
TIMESTAMP = re.compile(r"^\d{4,}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d+(?:[+-][0-2]\d:[0-5]\d|Z)$")
ARTICLE_KEYS = {
    "slug",
    "title",
    "description",
    "body",
    "tagList",
    "createdAt",
    "updatedAt",
    "favorited",
    "favoritesCount",
    "author",
}
PROFILE_KEYS = {"username", "bio", "image", "following"}


@dataclass(frozen=True)
class Writer:
    username: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}


async def join(client: httpx.AsyncClient, username: str) -> Writer:
    """Register through ``POST /api/users``; assert 201."""
    email = f"{username}@example.com"
    response = await client.post(
        "/api/users", json={"user": {"username": username, "email": email, "password": PASSWORD}}
    )
    assert response.status_code == 201, response.text
    return Writer(username, email, response.json()["user"]["token"])


async def write(
    client: httpx.AsyncClient,
    writer: Writer,
    title: str = "How to train your dragon",
    *,
    tags: list[str] | None = None,
    body: str = "Very carefully.",
) -> dict[str, Any]:
    """Create an article; assert 201 and return it."""
    article = {"title": title, "description": "Ever wonder how?", "body": body, "tagList": tags or []}
    response = await client.post("/api/articles", headers=writer.headers, json={"article": article})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["article"]
    return created


async def get(client: httpx.AsyncClient, url: str, writer: Writer | None = None, **params: Any) -> Any:
    """GET ``url``; assert 200 and return the body."""
    response = await client.get(url, headers=writer.headers if writer else None, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def errors_of(response: httpx.Response, status: int) -> dict[str, list[str]]:
    """The ``errors`` of a RealWorld error answer with ``status``: each field's messages."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errors"}, body
    errors: dict[str, list[str]] = body["errors"]
    assert errors and all(isinstance(messages, list) and messages for messages in errors.values()), body
    assert all(isinstance(message, str) for messages in errors.values() for message in messages), body
    return errors


def slugs(page: dict[str, Any]) -> list[str]:
    return [article["slug"] for article in page["articles"]]
