from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.auth import Actor
from application.errors import PostNotFound
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from application.use_cases.post_access import post_to_manage


@dataclass(frozen=True, kw_only=True)
class DeletePostCommand:
    actor: Actor
    post_id: int


class DeletePost:
    """Delete a post with its comments. Only its author or a superuser may
    (``PermissionDenied``); raises ``PostNotFound``, also for someone else's draft and for
    the second of two deletes that race."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def execute(self, command: DeletePostCommand) -> None:
        async def delete(uow: UnitOfWork) -> None:
            await post_to_manage(uow, command.actor, command.post_id)
            if not await uow.posts.delete(command.post_id):
                raise PostNotFound()
            await uow.commit()

        await in_transaction(self._uow_factory, delete)
