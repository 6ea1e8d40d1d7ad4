from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.dto import Actor
from application.errors import PermissionDenied, PostNotFound
from application.ports.unit_of_work import UnitOfWork


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
            post = await uow.posts.get(command.post_id)
            if post is None:
                raise PostNotFound()
            if not command.actor.may_manage(post.author_id):
                raise PermissionDenied()
            await uow.posts.delete(post)
            await uow.commit()
