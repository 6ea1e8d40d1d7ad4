from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.dto import Actor
from application.errors import PermissionDenied, UserNotFound
from application.ports.unit_of_work import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class DeleteUserCommand:
    actor: Actor
    user_id: int


class DeleteUser:
    """Delete a user with their posts and tokens, all in one transaction.

    Allowed to the user themself or a superuser (else ``PermissionDenied``); raises
    ``UserNotFound``.
    """

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def execute(self, command: DeleteUserCommand) -> None:
        if not command.actor.may_manage(command.user_id):
            raise PermissionDenied()
        async with self._uow_factory() as uow:
            user = await uow.users.get(command.user_id)
            if user is None:
                raise UserNotFound()
            await uow.users.delete(user)
            await uow.commit()
