from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.auth import Actor
from application.errors import PermissionDenied, UserNotFound
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction


@dataclass(frozen=True, kw_only=True)
class DeleteUserCommand:
    actor: Actor
    user_id: int


class DeleteUser:
    """Delete a user with their posts and tokens, all in one transaction.

    Allowed to the user themself or a superuser (else ``PermissionDenied``); raises
    ``UserNotFound``, also for the second of two deletes that race.
    """

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def execute(self, command: DeleteUserCommand) -> None:
        if not command.actor.may_manage(command.user_id):
            raise PermissionDenied()

        async def delete(uow: UnitOfWork) -> None:
            if not await uow.users.delete(command.user_id):
                raise UserNotFound()
            await uow.commit()

        await in_transaction(self._uow_factory, delete)
