"""Fakes for the ports that are not persistence (the memory adapters cover that)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from adapters.security.argon2 import Argon2PasswordHasher
from application.ports.clock import Clock
from application.ports.security import PasswordHasher


class ManualClock(Clock):
    """Stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def cheap_argon2(time_cost: int = 1) -> Argon2PasswordHasher:
    """Real argon2id with the smallest parameters: fast tests, same code path."""
    return Argon2PasswordHasher(time_cost=time_cost, memory_cost_kib=8, parallelism=1, max_workers=2)


class CountingHasher(PasswordHasher):
    """The real (cheap) hasher, counting the verifications it is asked for."""

    def __init__(self, hasher: Argon2PasswordHasher) -> None:
        self._hasher = hasher
        self.verified = 0

    async def hash(self, password: str) -> str:
        return await self._hasher.hash(password)

    async def hash_many(self, passwords: Sequence[str]) -> list[str]:
        return await self._hasher.hash_many(passwords)

    async def verify(self, hashed_password: str | None, password: str) -> bool:
        self.verified += 1
        return await self._hasher.verify(hashed_password, password)

    def needs_rehash(self, hashed_password: str) -> bool:
        return self._hasher.needs_rehash(hashed_password)
