from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.dto import Actor, PostDTO
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.posts import Post


@dataclass(frozen=True, kw_only=True)
class CreatePostCommand:
    actor: Actor
    title: str
    content: str
    published: bool = False


class CreatePost:
    """Write a post whose author is the caller. Raises ``InvalidValue``."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def execute(self, command: CreatePostCommand) -> PostDTO:
        post = Post.write(
            author_id=command.actor.id,
            title=command.title,
            content=command.content,
            published=command.published,
            now=self._clock.now(),
        )
        async with self._uow_factory() as uow:
            await uow.posts.add(post)
            await uow.commit()
        return PostDTO.from_entity(post)
