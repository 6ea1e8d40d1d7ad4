"""Load that clients put on a real service while its database fails: 16 clients over TCP,
each on one keep-alive connection, alternating a read and a registration, every answer
recorded with when it started and ended."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import asyncpg
import httpx

SEARCH = ("/api/v1/users/search", {"q": "nobody"})
CLIENTS = 16


@dataclass(frozen=True)
class Outcome:
    started: float
    ended: float
    status: int | None
    """None: the client's connection failed (dropped, reset, timed out)."""
    detail: str
    retry_after: str | None = None
    registered: str | None = None
    """The username a 201 acknowledged."""

    def during(self, start: float, end: float) -> bool:
        return start <= self.started and self.ended <= end


@dataclass
class Load:
    """16 clients, each on one keep-alive connection, alternating a read and a registration."""

    base: str
    prefix: str
    outcomes: list[Outcome] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run_client(self, number: int) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=self.base, timeout=10, limits=limits) as client:
            for step in itertools.count():
                if self.stop.is_set():
                    return
                username = f"{self.prefix}{number}x{step}" if step % 2 else None
                await self.one(client, username)

    async def one(self, client: httpx.AsyncClient, username: str | None) -> None:
        started = time.perf_counter()
        try:
            if username is None:
                response = await client.get(SEARCH[0], params=SEARCH[1])
            else:
                body = {"email": f"{username}@example.com", "username": username, "password": "password123"}
                response = await client.post("/api/v1/users/", json=body)
        except httpx.HTTPError as error:
            self.outcomes.append(Outcome(started, time.perf_counter(), None, repr(error)))
            return
        ended = time.perf_counter()
        if response.headers.get("connection", "").lower() == "close":
            self.outcomes.append(Outcome(started, ended, None, f"server closed the connection after {response}"))
            return
        self.outcomes.append(
            Outcome(
                started,
                ended,
                response.status_code,
                response.text[:200],
                response.headers.get("retry-after"),
                username if response.status_code == 201 else None,
            )
        )

    @classmethod
    @asynccontextmanager
    async def running(cls, base: str, prefix: str) -> AsyncIterator[Load]:
        load = cls(base, prefix)
        clients = [asyncio.create_task(load.run_client(n)) for n in range(CLIENTS)]
        try:
            yield load
        finally:
            load.stop.set()
            await asyncio.gather(*clients)

    def failed(self, allowed: set[int]) -> list[Outcome]:
        return [o for o in self.outcomes if o.status not in allowed]


async def stored_usernames(url: str, prefix: str) -> set[str]:
    """The usernames starting with ``prefix`` stored at the database ``url``."""
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        rows = await connection.fetch("SELECT username FROM users WHERE username LIKE $1", f"{prefix}%")
    finally:
        await connection.close()
    return {row["username"] for row in rows}
