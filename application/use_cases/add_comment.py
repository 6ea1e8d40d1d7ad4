from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.auth import Actor
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from application.use_cases.post_access import visible_post
from application.views import CommentDTO
from domain.comments import Comment


@dataclass(frozen=True, kw_only=True)
class AddCommentCommand:
    actor: Actor
    post_id: int
    content: str


class AddComment:
    """Comment on a post as the caller. Raises ``PostNotFound`` (also for someone else's
    draft, and when the post is deleted while the comment is being written), ``InvalidValue``."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def execute(self, command: AddCommentCommand) -> CommentDTO:
        now = self._clock.now()

        async def add(uow: UnitOfWork) -> Comment:
            comment = Comment.write(
                post_id=command.post_id, author_id=command.actor.id, content=command.content, now=now
            )
            await visible_post(uow, command.actor, command.post_id)
            await uow.comments.add(comment)
            await uow.commit()
            return comment

        return CommentDTO.from_entity(await in_transaction(self._uow_factory, add))
