from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from application.auth import Actor
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from application.views import PostDTO
from domain.posts import Post
from domain.tags import normalise_tags


@dataclass(frozen=True, kw_only=True)
class CreatePostCommand:
    actor: Actor
    title: str
    content: str
    published: bool = False
    description: str = ""
    tags: Sequence[str] = ()


class CreatePost:
    """Write a post whose author is the caller, with its tags, under a slug made from its
    title (with a suffix if that one is taken). Raises ``InvalidValue``, and ``UserNotFound``
    when the caller's account is deleted meanwhile."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def execute(self, command: CreatePostCommand) -> PostDTO:
        now = self._clock.now()
        tags = normalise_tags(command.tags)

        async def write(uow: UnitOfWork) -> Post:
            post = Post.write(
                author_id=command.actor.id,
                title=command.title,
                content=command.content,
                published=command.published,
                now=now,
                description=command.description,
            )
            await uow.posts.add(post)
            if tags:
                assert post.id is not None
                await uow.posts.set_tags(post.id, tags)
            await uow.commit()
            return post

        return PostDTO.from_entity(await in_transaction(self._uow_factory, write))
