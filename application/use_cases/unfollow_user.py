from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.auth import Actor
from application.errors import UserNotFound
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction


@dataclass(frozen=True, kw_only=True)
class UnfollowUserCommand:
    actor: Actor
    user_id: int


class UnfollowUser:
    """The caller stops following a user; idempotent. Raises ``UserNotFound``."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def execute(self, command: UnfollowUserCommand) -> None:
        async def unfollow(uow: UnitOfWork) -> None:
            if await uow.users.get(command.user_id) is None:
                raise UserNotFound()
            await uow.follows.remove(command.actor.id, command.user_id)
            await uow.commit()

        await in_transaction(self._uow_factory, unfollow)
