from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.auth import Actor
from application.errors import CommentNotFound, PermissionDenied
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from application.use_cases.post_access import visible_post


@dataclass(frozen=True, kw_only=True)
class DeleteCommentCommand:
    actor: Actor
    post_id: int
    comment_id: int


class DeleteComment:
    """Delete a comment on a post. Only its writer or a superuser may (``PermissionDenied``);
    raises ``PostNotFound`` (also for someone else's draft), ``CommentNotFound`` for a
    comment that is not on that post, and for the second of two deletes that race."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def execute(self, command: DeleteCommentCommand) -> None:
        async def delete(uow: UnitOfWork) -> None:
            await visible_post(uow, command.actor, command.post_id)
            comment = await uow.comments.get(command.comment_id)
            if comment is None or comment.post_id != command.post_id:
                raise CommentNotFound()
            if not command.actor.may_manage(comment.author_id):
                raise PermissionDenied()
            if not await uow.comments.delete(command.comment_id):
                raise CommentNotFound()
            await uow.commit()

        await in_transaction(self._uow_factory, delete)
