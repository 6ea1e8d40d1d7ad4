from __future__ import annotations

from typing import Any

from adapters.memory.repositories import (
    InMemoryCommentRepository,
    InMemoryFavoriteRepository,
    InMemoryFollowRepository,
    InMemoryPostRepository,
    InMemoryTokenRepository,
    InMemoryUserRepository,
)
from adapters.memory.store import InMemoryStore, Tables, restore, snapshot
from application.ports.unit_of_work import UnitOfWork


class InMemoryUnitOfWork(UnitOfWork):
    """Works on a private copy of the committed tables and publishes it on commit."""

    def __init__(self, store: InMemoryStore) -> None:
        super().__init__()
        self._store = store
        self._locked = False

    async def _begin(self) -> None:
        await self._store.writer_lock.acquire()
        self._locked = True
        self._work = self._store.committed.copy()
        self.users = InMemoryUserRepository(self._work, self._store)
        self.posts = InMemoryPostRepository(self._work, self._store)
        self.comments = InMemoryCommentRepository(self._work, self._store)
        self.follows = InMemoryFollowRepository(self._work, self._store)
        self.favorites = InMemoryFavoriteRepository(self._work)
        self.tokens = InMemoryTokenRepository(self._work, self._store)

    async def _commit(self) -> None:
        self._work.check_unique()
        # Publish copies: entities the use case still holds are detached, as after an ORM commit.
        self._store.committed = self._work.copy()

    async def _rollback(self) -> None:
        self._work = Tables()

    async def _close(self) -> None:
        if self._locked:
            self._locked = False
            self._store.writer_lock.release()

    async def _begin_savepoint(self) -> object:
        return snapshot(self._work)

    async def _rollback_savepoint(self, token: object) -> None:
        saved: dict[str, dict[Any, tuple[Any, dict[str, Any]]]] = token  # type: ignore[assignment]
        restore(self._work, saved)

    async def _release_savepoint(self, token: object) -> None:
        return None
