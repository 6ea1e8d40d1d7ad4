from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.auth import Actor
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from application.use_cases.post_access import visible_post


@dataclass(frozen=True, kw_only=True)
class FavoritePostCommand:
    actor: Actor
    post_id: int


class FavoritePost:
    """The caller marks a post as a favourite; idempotent, also when the same mark races
    itself. Raises ``PostNotFound`` (also for someone else's draft, and when the post is
    deleted meanwhile)."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def execute(self, command: FavoritePostCommand) -> None:
        now = self._clock.now()

        async def favorite(uow: UnitOfWork) -> None:
            await visible_post(uow, command.actor, command.post_id)
            await uow.favorites.add(command.actor.id, command.post_id, now)
            await uow.commit()

        await in_transaction(self._uow_factory, favorite)


class UnfavoritePost:
    """The caller unmarks a post; idempotent. Raises ``PostNotFound`` (also for someone
    else's draft)."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def execute(self, command: FavoritePostCommand) -> None:
        async def unfavorite(uow: UnitOfWork) -> None:
            await visible_post(uow, command.actor, command.post_id)
            await uow.favorites.remove(command.actor.id, command.post_id)
            await uow.commit()

        await in_transaction(self._uow_factory, unfavorite)
