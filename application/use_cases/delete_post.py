from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.dto import Actor
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.post_access import post_to_manage


@dataclass(frozen=True, kw_only=True)
class DeletePostCommand:
    actor: Actor
    post_id: int


class DeletePost:
    """Delete a post with its comments. Only its author or a superuser may
    (``PermissionDenied``); raises ``PostNotFound``."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def execute(self, command: DeletePostCommand) -> None:
        async with self._uow_factory() as uow:
            post = await post_to_manage(uow, command.actor, command.post_id)
            await uow.posts.delete(post)
            await uow.commit()
