"""The rule shared by every use case that changes a post."""

from __future__ import annotations

from application.dto import Actor
from application.errors import PermissionDenied, PostNotFound
from application.ports.unit_of_work import UnitOfWork
from domain.posts import Post


async def post_to_manage(uow: UnitOfWork, actor: Actor, post_id: int) -> Post:
    """The post, if the actor is its author or a superuser; raises ``PostNotFound``, then
    ``PermissionDenied``."""
    post = await uow.posts.get(post_id)
    if post is None:
        raise PostNotFound()
    if not actor.may_manage(post.author_id):
        raise PermissionDenied()
    return post
