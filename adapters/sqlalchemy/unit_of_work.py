from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from typing import cast

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

from adapters.sqlalchemy import consistency
from adapters.sqlalchemy.database import SqlAlchemyDatabase
from adapters.sqlalchemy.errors import storage_error, storage_errors
from adapters.sqlalchemy.repositories import (
    SqlAlchemyCommentRepository,
    SqlAlchemyFavoriteRepository,
    SqlAlchemyFollowRepository,
    SqlAlchemyPostRepository,
    SqlAlchemyTokenRepository,
    SqlAlchemyUserRepository,
)
from application.errors import ApplicationError, CommitOutcomeUnknown, ConnectionLost
from application.ports.unit_of_work import UnitOfWork

logger = logging.getLogger("inkwell.consistency")


class SqlAlchemyUnitOfWork(UnitOfWork):
    """One AsyncSession, one transaction. The connection is checked out at the first
    statement and returned when the unit of work ends."""

    def __init__(self, database: SqlAlchemyDatabase) -> None:
        super().__init__()
        self._database = database
        self._slot = AsyncExitStack()

    async def _begin(self) -> None:
        await self._slot.enter_async_context(self._database.gate.slot())
        self._session: AsyncSession = self._database.session_factory()
        try:
            await self._session.begin()
        except BaseException:  # e.g. cancelled: the base class will not call _close
            await self._slot.aclose()
            raise
        self.users = SqlAlchemyUserRepository(self._session)
        self.posts = SqlAlchemyPostRepository(self._session)
        self.comments = SqlAlchemyCommentRepository(self._session)
        self.follows = SqlAlchemyFollowRepository(self._session)
        self.favorites = SqlAlchemyFavoriteRepository(self._session)
        self.tokens = SqlAlchemyTokenRepository(self._session)

    async def _commit(self) -> None:
        # Pending changes go out before COMMIT, so a connection lost while sending them is
        # a plain loss (nothing saved); only one lost during COMMIT leaves the outcome unknown.
        with storage_errors():
            await self._session.flush()
            transaction_id = await self._transaction_id()
        try:
            with storage_errors(committing=True):
                await self._session.commit()
        except CommitOutcomeUnknown as unknown:
            await self._session.close()  # gives the dead connection back before asking on another
            committed = None if transaction_id is None else await self._database.commit_outcome(transaction_id)
            if committed is None:
                raise
            if not committed:
                raise ConnectionLost() from unknown
        tracked = consistency.current()
        if tracked is not None and transaction_id is not None:
            await self._learn_position(tracked)

    async def _learn_position(self, tracked: consistency.Session) -> None:
        """Where the WAL ends after this commit, for the client's next reads on replicas. The
        commit is done, so failing to learn it never fails the write: the client's token
        then sends its reads to the primary until its next write."""
        try:
            tracked.wrote = await self._database.wal_position()
        except ApplicationError as error:
            logger.warning("WAL position after a commit unknown (%r): the client reads from the primary", error)
            tracked.wrote = consistency.BEYOND_ANY_REPLICA

    async def _transaction_id(self) -> str | None:
        """PostgreSQL's id of this transaction, if it wrote anything: what lets a commit
        whose answer was lost be looked up afterwards."""
        if self._database.is_sqlite:
            return None
        found = await self._session.execute(text("SELECT pg_current_xact_id_if_assigned()::text"))
        transaction_id: str | None = found.scalar_one()
        return transaction_id

    async def _rollback(self) -> None:
        with storage_errors():
            await self._session.rollback()

    async def _close(self) -> None:
        try:
            await self._session.close()
        finally:
            await self._slot.aclose()

    def _storage_error(self, error: Exception) -> ApplicationError | None:
        return storage_error(error)

    async def _begin_savepoint(self) -> object:
        return await self._session.begin_nested()

    async def _rollback_savepoint(self, token: object) -> None:
        # Also after a failed flush has deactivated it: only this rollback frees the parent.
        await cast(AsyncSessionTransaction, token).rollback()

    async def _release_savepoint(self, token: object) -> None:
        await cast(AsyncSessionTransaction, token).commit()
