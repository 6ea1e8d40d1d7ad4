"""The rules shared by every use case that writes to a post: who may see it, who may change it."""

from __future__ import annotations

from application.auth import Actor
from application.errors import PermissionDenied, PostNotFound
from application.ports.unit_of_work import UnitOfWork
from domain.posts import Post, is_visible


async def visible_post(uow: UnitOfWork, actor: Actor, post_id: int) -> Post:
    """The post, if it exists for the actor: someone else's draft does not (drafts are their
    author's and superusers'). Raises ``PostNotFound``."""
    post = await uow.posts.get(post_id)
    if post is None or not is_visible(
        published=post.published, author_id=post.author_id, viewer_id=actor.id, viewer_is_superuser=actor.is_superuser
    ):
        raise PostNotFound()
    return post


async def post_to_manage(uow: UnitOfWork, actor: Actor, post_id: int) -> Post:
    """The post, if the actor is its author or a superuser; raises ``PostNotFound`` (also for
    someone else's draft), then ``PermissionDenied``."""
    post = await visible_post(uow, actor, post_id)
    if not actor.may_manage(post.author_id):
        raise PermissionDenied()
    return post
