"""Fakes for the ports that are not persistence (the memory adapters cover that)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.security.argon2 import Argon2PasswordHasher
from application.ports.clock import Clock


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
