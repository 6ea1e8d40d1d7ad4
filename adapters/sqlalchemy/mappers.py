"""Imperative mapping: SQLAlchemy learns the domain classes; the domain never learns SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sqlalchemy.tables import access_tokens, comments, follows, metadata, posts, users
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.tokens import AccessToken
from domain.users import User

mapper_registry = registry(metadata=metadata)
_started = False


def start_mappers() -> None:
    """Map the entities once per process; later calls do nothing."""
    global _started
    if _started:
        return
    mapper_registry.map_imperatively(User, users)
    mapper_registry.map_imperatively(Post, posts)
    mapper_registry.map_imperatively(Comment, comments)
    mapper_registry.map_imperatively(Follow, follows)
    mapper_registry.map_imperatively(AccessToken, access_tokens)
    _started = True
