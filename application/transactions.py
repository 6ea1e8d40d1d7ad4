"""Running a unit of work once more when the store lost it before it was committed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from application.errors import ConcurrentChange, ConnectionLost
from application.ports.unit_of_work import UnitOfWork

T = TypeVar("T")
ATTEMPTS = 2


async def in_transaction(uow_factory: Callable[[], UnitOfWork], work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """``async with uow_factory() as uow: return await work(uow)``, run once more on a fresh
    unit of work when the first attempt ends in ``ConnectionLost`` (its connection failed
    before COMMIT was sent) or ``ConcurrentChange`` (the store aborted it for a concurrent
    one). Either way the server rolled everything back, so nothing is done twice.
    ``CommitOutcomeUnknown`` and every other error propagate at once: after a failed COMMIT
    nobody knows whether the change was saved.

    ``work`` runs inside the transaction and commits it. It builds the entities it stores
    itself, so a failed attempt leaves nothing behind on them; slow work that does not need
    the transaction (hashing a password) belongs before the call, where it runs once."""
    attempt = 1
    while True:
        try:
            async with uow_factory() as uow:
                return await work(uow)
        except (ConnectionLost, ConcurrentChange):
            if attempt >= ATTEMPTS:
                raise
            attempt += 1
