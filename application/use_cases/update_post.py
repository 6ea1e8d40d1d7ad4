from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from application.auth import Actor
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from application.unset import UNSET, Unset
from application.use_cases.post_access import post_to_manage
from application.views import PostDTO
from domain.posts import Post
from domain.tags import normalise_tags


@dataclass(frozen=True, kw_only=True)
class UpdatePostCommand:
    """Fields left ``UNSET`` do not change."""

    actor: Actor
    post_id: int
    title: str | Unset = UNSET
    description: str | Unset = UNSET
    content: str | Unset = UNSET
    published: bool | Unset = UNSET
    tags: Sequence[str] | Unset = UNSET


class UpdatePost:
    """Edit, publish or unpublish a post, or change its tags; the slug stays. Only its author or a superuser may
    (``PermissionDenied``); raises ``PostNotFound`` (also for someone else's draft),
    ``InvalidValue``."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def execute(self, command: UpdatePostCommand) -> PostDTO:
        now = self._clock.now()
        tags = None if command.tags is UNSET else normalise_tags(command.tags)

        async def edit(uow: UnitOfWork) -> Post:
            post = await post_to_manage(uow, command.actor, command.post_id)
            post.edit(
                title=None if command.title is UNSET else command.title,
                description=None if command.description is UNSET else command.description,
                content=None if command.content is UNSET else command.content,
                published=None if command.published is UNSET else command.published,
                now=now,
            )
            if tags is not None:
                await uow.posts.set_tags(command.post_id, tags)
            await uow.commit()
            return post

        return PostDTO.from_entity(await in_transaction(self._uow_factory, edit))
