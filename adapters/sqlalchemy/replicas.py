"""Reads on streaming replicas: spread over the healthy ones, read-your-writes by WAL
position, and the primary whenever no replica will do."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy import consistency
from adapters.sqlalchemy.database import SqlAlchemyDatabase
from adapters.sqlalchemy.rows import Rows
from application.errors import StorageUnavailable

logger = logging.getLogger("inkwell.replicas")
T = TypeVar("T")

# How far the replica has received and replayed WAL; a server out of recovery (a replica
# URL naming the primary itself, as in development) has replayed all it has.
_position_statement = text(
    """
SELECT CASE WHEN pg_is_in_recovery() THEN (pg_last_wal_receive_lsn() - '0/0'::pg_lsn)::bigint
            ELSE (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint END AS received,
       CASE WHEN pg_is_in_recovery() THEN (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint
            ELSE (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint END AS replayed
"""
)


class ReadConnections(Protocol):
    """Where readers get their connections: one database, or a replica router."""

    def rows(self, *, consistent: bool = False) -> AbstractAsyncContextManager[Rows]: ...

    def read_one(self) -> AbstractAsyncContextManager[AsyncConnection]: ...


@dataclass(frozen=True)
class ReplicaState:
    """What a replica was last seen to be: ``replayed`` is how far it has replayed WAL,
    ``lag_seconds`` how long the oldest WAL it has received but not replayed has waited.
    Both None until it is first checked, and while it cannot be reached."""

    reachable: bool
    replayed: int | None = None
    lag_seconds: float | None = None


class Replica:
    """One replica, checked in the background every ``check_every`` seconds (every
    ``retry_after`` seconds while it cannot be reached), so no read waits on a check.

    Its lag is measured here rather than from ``pg_last_xact_replay_timestamp()``, which
    after a quiet spell on the primary reports the whole spell as lag: each check notes
    how far the replica has received WAL, and the lag is the time since the first check
    that saw WAL it has still not replayed."""

    def __init__(
        self,
        name: str,
        database: SqlAlchemyDatabase,
        *,
        check_every: float,
        retry_after: float,
        monotonic: Callable[[], float],
    ) -> None:
        self.name = name
        self.database = database
        self._check_every = check_every
        self._retry_after = retry_after
        self._monotonic = monotonic
        self._state = ReplicaState(reachable=True)
        self._skip_until = 0.0
        self._received: deque[tuple[float, int]] = deque()
        """(when first seen, how far received) of WAL the replica had not replayed then."""

    @property
    def state(self) -> ReplicaState:
        return self._state

    @property
    def degraded(self) -> bool:
        """Found unreachable within the last ``retry_after`` seconds."""
        return self._monotonic() < self._skip_until

    def mark_unreachable(self, error: BaseException) -> None:
        if not self.degraded:
            logger.warning("replica %s unreachable (%r); skipped for %s s", self.name, error, self._retry_after)
        self._skip_until = self._monotonic() + self._retry_after
        self._state = ReplicaState(reachable=False)
        self._received.clear()

    async def keep_checking(self) -> None:
        """Check the replica until cancelled."""
        while True:
            try:
                await self.check()
            except Exception as error:  # a check that fails otherwise must not end the checking
                logger.exception("checking replica %s failed", self.name)
                self.mark_unreachable(error)
            await asyncio.sleep(self._retry_after if self.degraded else self._check_every)

    async def check(self) -> None:
        try:
            async with self.database.rows() as rows:
                found = await rows.first(_position_statement)
        except StorageUnavailable as error:
            self.mark_unreachable(error)
            return
        assert found is not None
        now = self._monotonic()
        received, replayed = found["received"], found["replayed"]
        if not self._received or received > self._received[-1][1]:
            self._received.append((now, received))
        while self._received and self._received[0][1] <= replayed:
            self._received.popleft()
        lag = now - self._received[0][0] if self._received else 0.0
        self._skip_until = 0.0
        self._state = ReplicaState(reachable=True, replayed=replayed, lag_seconds=lag)


class ReplicaRouter:
    """Readers' connections come from the replicas, in turn. A replica serves a read when
    it is reachable, no more than ``max_lag_seconds`` behind, and, for a read that must see
    a WAL position (``consistency``), has replayed past it; the next one in turn is tried
    otherwise, and the primary when none will do."""

    def __init__(
        self,
        primary: SqlAlchemyDatabase,
        replicas: Sequence[SqlAlchemyDatabase],
        *,
        max_lag_seconds: float = 10.0,
        check_every: float = 0.1,
        retry_after: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._checks: list[asyncio.Task[None]] = []
        assert replicas, "a router needs a replica"
        self.primary = primary
        names = ["replica"] if len(replicas) == 1 else [f"replica-{n}" for n in range(1, len(replicas) + 1)]
        self.replicas = [
            Replica(name, database, check_every=check_every, retry_after=retry_after, monotonic=monotonic)
            for name, database in zip(names, replicas, strict=True)
        ]
        self._max_lag_seconds = max_lag_seconds
        self._turns = itertools.cycle(range(len(self.replicas)))

    def rows(self, *, consistent: bool = False) -> AbstractAsyncContextManager[Rows]:
        return self._route(lambda database: database.rows(consistent=consistent))

    def read_one(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return self._route(lambda database: database.read_one())

    def start_checking(self) -> None:
        """Check every replica in the background, in the running event loop."""
        if not self._checks:
            self._checks = [asyncio.create_task(replica.keep_checking()) for replica in self.replicas]

    async def close(self) -> None:
        """Stop the checks and close every replica's connections."""
        for check in self._checks:
            check.cancel()
        await asyncio.gather(*self._checks, return_exceptions=True)
        self._checks = []
        for replica in self.replicas:
            await replica.database.dispose()

    def _serves(self, replica: Replica, required: int | None) -> bool:
        """Whether the replica may serve a read that must see WAL position ``required``
        (None: any). Until its first check, it serves only reads that need nothing."""
        state = replica.state
        if replica.degraded or not state.reachable or (state.lag_seconds or 0.0) > self._max_lag_seconds:
            return False
        return required is None or (state.replayed is not None and state.replayed >= required)

    @asynccontextmanager
    async def _route(self, open_on: Callable[[SqlAlchemyDatabase], AbstractAsyncContextManager[T]]) -> AsyncIterator[T]:
        tracked = consistency.current()
        required = None if tracked is None else tracked.required
        first = next(self._turns)
        for offset in range(len(self.replicas)):
            replica = self.replicas[(first + offset) % len(self.replicas)]
            if not self._serves(replica, required):
                continue
            on_replica = open_on(replica.database)
            try:
                connection = await on_replica.__aenter__()
            except StorageUnavailable as error:  # refused, unreachable, starting up, or its pool full
                replica.mark_unreachable(error)
                continue
            async with _closing(on_replica):
                yield connection
            return
        async with open_on(self.primary) as connection:
            yield connection


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
