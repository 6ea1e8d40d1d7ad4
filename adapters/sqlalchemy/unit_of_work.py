from __future__ import annotations

from contextlib import AsyncExitStack
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

from adapters.sqlalchemy.database import SqlAlchemyDatabase
from adapters.sqlalchemy.errors import constraint_errors
from adapters.sqlalchemy.repositories import (
    SqlAlchemyCommentRepository,
    SqlAlchemyFollowRepository,
    SqlAlchemyPostRepository,
    SqlAlchemyTokenRepository,
    SqlAlchemyUserRepository,
)
from application.ports.unit_of_work import UnitOfWork


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
        self.tokens = SqlAlchemyTokenRepository(self._session)

    async def _commit(self) -> None:
        with constraint_errors():
            await self._session.commit()

    async def _rollback(self) -> None:
        await self._session.rollback()

    async def _close(self) -> None:
        try:
            await self._session.close()
        finally:
            await self._slot.aclose()

    async def _begin_savepoint(self) -> object:
        return await self._session.begin_nested()

    async def _rollback_savepoint(self, token: object) -> None:
        # Also after a failed flush has deactivated it: only this rollback frees the parent.
        await cast(AsyncSessionTransaction, token).rollback()

    async def _release_savepoint(self, token: object) -> None:
        await cast(AsyncSessionTransaction, token).commit()
