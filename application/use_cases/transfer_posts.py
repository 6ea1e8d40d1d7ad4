from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.auth import Actor
from application.errors import InvalidRequest, PermissionDenied, UserNotFound
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction


@dataclass(frozen=True, kw_only=True)
class TransferPostsCommand:
    actor: Actor
    from_user_id: int
    to_user_id: int


class TransferPosts:
    """Move every post of one user to another, all or nothing (superusers only).

    Both users' rows are locked, lowest id first, so opposite transfers running at once
    queue instead of deadlocking; the posts move in one statement. Raises
    ``PermissionDenied``, ``InvalidRequest`` (same user), ``UserNotFound`` (either one:
    nothing moves). Returns how many posts moved.
    """

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def execute(self, command: TransferPostsCommand) -> int:
        if not command.actor.is_superuser:
            raise PermissionDenied()
        if command.from_user_id == command.to_user_id:
            raise InvalidRequest("Cannot transfer posts to the same user")
        now = self._clock.now()

        async def transfer(uow: UnitOfWork) -> int:
            locked = await uow.users.lock([command.from_user_id, command.to_user_id])
            if len(locked) != 2:
                raise UserNotFound()
            moved = await uow.posts.transfer_all(command.from_user_id, command.to_user_id, now)
            await uow.commit()
            return moved

        return await in_transaction(self._uow_factory, transfer)
