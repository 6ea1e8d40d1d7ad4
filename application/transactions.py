"""Running a unit of work, or a read, once more when the store lost it before it was done."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

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


R = TypeVar("R", bound=type)
P = ParamSpec("P")


def reads_run_again_when_lost(reader_class: R) -> R:
    """For a reader class: each public coroutine method runs once more when it raises
    ``ConnectionLost``. A read changes nothing, so running it again is always safe; the
    second run gets a fresh connection."""
    for name, member in list(vars(reader_class).items()):
        if not name.startswith("_") and inspect.iscoroutinefunction(member):
            setattr(reader_class, name, _once_more_when_lost(member))
    return reader_class


def _once_more_when_lost(read: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    @functools.wraps(read)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await read(*args, **kwargs)
        except ConnectionLost:
            return await read(*args, **kwargs)

    return run
