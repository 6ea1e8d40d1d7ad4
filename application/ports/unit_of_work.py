"""The UnitOfWork: one ``async with`` is one transaction."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from enum import Enum
from types import TracebackType
from typing import NoReturn, Self, cast

from application.errors import ApplicationError, UnitOfWorkMisuse
from application.ports.repositories import (
    CommentRepository,
    FavoriteRepository,
    FollowRepository,
    PostRepository,
    TokenRepository,
    UserRepository,
)


class _Retired:
    """Stands in for a repository once its unit of work has ended: any use is a bug."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> NoReturn:
        raise UnitOfWorkMisuse(f"uow.{self._name}.{attribute} used after the unit of work ended")


class _State(Enum):
    NEW = "new"
    ACTIVE = "active"
    DONE = "done"


class UnitOfWork(ABC):
    """Owns one database transaction and the repositories that work inside it.

    Contract, the same for every adapter:
    - ``async with uow:`` begins the transaction; a unit of work is entered once only
      (a second ``async with`` raises ``UnitOfWorkMisuse``).
    - Leaving the block rolls back unless ``commit()`` ran; an exception is never swallowed.
    - ``commit()`` saves every change made through the repositories, then ends the
      transaction; a uniqueness conflict raises the matching application error
      (e.g. ``EmailOrUsernameTaken``) and nothing is saved.
    - ``savepoint()`` wraps a part of the work: if the block raises, only that part is
      undone and the exception propagates; the outer transaction stays usable.
    - A failure of the store leaves the block as an application error: a row referred to
      that a concurrent delete removed is the matching ``NotFound``; ``ConnectionLost``
      means the connection failed before COMMIT was sent (nothing was saved, the work may
      run again: see ``application.transactions``); ``CommitOutcomeUnknown`` that it failed
      during COMMIT; ``ConcurrentChange``, ``StorageTimeout``, ``PoolExhausted`` and
      ``StorageUnavailable`` as their names say.
    Adapters implement the ``_hooks``; this class owns the semantics.
    """

    users: UserRepository
    posts: PostRepository
    comments: CommentRepository
    follows: FollowRepository
    favorites: FavoriteRepository
    tokens: TokenRepository

    def __init__(self) -> None:
        self._state = _State.NEW
        self._committed = False

    @property
    def committed(self) -> bool:
        return self._committed

    async def __aenter__(self) -> Self:
        if self._state is not _State.NEW:
            raise UnitOfWorkMisuse("a unit of work is entered once; ask the container for a new one")
        await self._begin()
        self._state = _State.ACTIVE
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._state is _State.ACTIVE:
                await self._rollback()
        finally:
            self._end()
            await self._close()
        named = self._storage_error(exc) if isinstance(exc, Exception) else None
        if named is not None:
            raise named from exc

    async def commit(self) -> None:
        self._require_active()
        await self._commit()
        self._committed = True
        self._end()

    async def rollback(self) -> None:
        self._require_active()
        await self._rollback()
        self._end()

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        self._require_active()
        return self._savepoint()

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        token = await self._begin_savepoint()
        try:
            yield
        except BaseException:
            await self._rollback_savepoint(token)
            raise
        await self._release_savepoint(token)

    def _end(self) -> None:
        self._state = _State.DONE
        self.users = cast(UserRepository, _Retired("users"))
        self.posts = cast(PostRepository, _Retired("posts"))
        self.comments = cast(CommentRepository, _Retired("comments"))
        self.follows = cast(FollowRepository, _Retired("follows"))
        self.favorites = cast(FavoriteRepository, _Retired("favorites"))
        self.tokens = cast(TokenRepository, _Retired("tokens"))

    def _require_active(self) -> None:
        if self._state is not _State.ACTIVE:
            raise UnitOfWorkMisuse("the unit of work is not active: use it inside its 'async with', before commit")

    def _storage_error(self, error: Exception) -> ApplicationError | None:
        """The application error that a failure of the store raised in the block stands
        for; None leaves the exception as it is (the default: a store that cannot fail)."""
        return None

    @abstractmethod
    async def _begin(self) -> None: ...

    @abstractmethod
    async def _commit(self) -> None: ...

    @abstractmethod
    async def _rollback(self) -> None: ...

    @abstractmethod
    async def _close(self) -> None: ...

    @abstractmethod
    async def _begin_savepoint(self) -> object: ...

    @abstractmethod
    async def _rollback_savepoint(self, token: object) -> None: ...

    @abstractmethod
    async def _release_savepoint(self, token: object) -> None: ...
