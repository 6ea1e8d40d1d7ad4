from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from application.auth import Actor
from application.errors import PermissionDenied
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction


@dataclass(frozen=True, kw_only=True)
class DeactivateUsersCommand:
    actor: Actor
    user_ids: Sequence[int]


class DeactivateUsers:
    """Deactivate many users in one statement and end their tokens, in one transaction
    (superusers only, else ``PermissionDenied``). Returns how many were active before;
    unknown ids are ignored."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def execute(self, command: DeactivateUsersCommand) -> int:
        if not command.actor.is_superuser:
            raise PermissionDenied()
        user_ids = sorted(set(command.user_ids))
        now = self._clock.now()

        async def deactivate(uow: UnitOfWork) -> int:
            deactivated = await uow.users.deactivate_many(user_ids, now)
            await uow.tokens.delete_for_users(user_ids)
            await uow.commit()
            return deactivated

        return await in_transaction(self._uow_factory, deactivate)
