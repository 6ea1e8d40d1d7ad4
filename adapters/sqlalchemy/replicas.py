"""Reads on a streaming replica, falling back to the primary when it cannot be reached."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.database import SqlAlchemyDatabase
from adapters.sqlalchemy.rows import Rows
from application.errors import StorageUnavailable

logger = logging.getLogger("inkwell.replicas")
T = TypeVar("T")


class ReadConnections(Protocol):
    """Where readers get their connections: one database, or a replica router."""

    def rows(self, *, consistent: bool = False) -> AbstractAsyncContextManager[Rows]: ...

    def read_one(self) -> AbstractAsyncContextManager[AsyncConnection]: ...


class ReplicaRouter:
    """Readers' connections come from the replica. If it cannot be reached, the read runs
    on the primary instead and the replica is left alone for ``retry_after`` seconds, so
    a dead replica costs one failed connect per interval, not one per request."""

    def __init__(
        self,
        primary: SqlAlchemyDatabase,
        replica: SqlAlchemyDatabase,
        *,
        retry_after: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.replica = replica
        self._retry_after = retry_after
        self._monotonic = monotonic
        self._skip_until = 0.0

    @property
    def degraded(self) -> bool:
        return self._monotonic() < self._skip_until

    def rows(self, *, consistent: bool = False) -> AbstractAsyncContextManager[Rows]:
        return self._route(lambda database: database.rows(consistent=consistent))

    def read_one(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return self._route(lambda database: database.read_one())

    @asynccontextmanager
    async def _route(self, open_on: Callable[[SqlAlchemyDatabase], AbstractAsyncContextManager[T]]) -> AsyncIterator[T]:
        if not self.degraded:
            on_replica = open_on(self.replica)
            try:
                connection = await on_replica.__aenter__()
            except StorageUnavailable as error:  # refused, unreachable, starting up, or its pool full
                self._mark_degraded(error)
            else:
                async with _closing(on_replica):
                    yield connection
                return
        async with open_on(self.primary) as connection:
            yield connection

    def _mark_degraded(self, error: BaseException) -> None:
        self._skip_until = self._monotonic() + self._retry_after
        logger.warning("replica unreachable (%r); reading from the primary for %s s", error, self._retry_after)


@asynccontextmanager
async def _closing(entered: AbstractAsyncContextManager[T]) -> AsyncIterator[None]:
    """Exit an already entered context manager as ``async with`` would have."""
    try:
        yield
    except BaseException as error:
        if not await entered.__aexit__(type(error), error, error.__traceback__):
            raise
    else:
        await entered.__aexit__(None, None, None)
