"""The in-memory database: committed tables, id sequences and a writer lock."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from application.errors import EmailTaken, SlugTaken, UsernameTaken
from application.ports.database import Database
from application.views import PoolStatus
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.text import fold_case
from domain.tokens import AccessToken
from domain.users import User


@dataclass(eq=False, kw_only=True)
class Tagging:
    """A post's tags, in their order (the rows of post_tags)."""

    post_id: int
    tags: tuple[str, ...]


@dataclass(eq=False, kw_only=True)
class Favorite:
    user_id: int
    post_id: int
    created_at: datetime


@dataclass
class Tables:
    """One version of the data. A committed version is never changed in place."""

    users: dict[int, User] = field(default_factory=dict)
    posts: dict[int, Post] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    follows: dict[tuple[int, int], Follow] = field(default_factory=dict)
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    taggings: dict[int, Tagging] = field(default_factory=dict)
    favorites: dict[tuple[int, int], Favorite] = field(default_factory=dict)

    def copy(self) -> Tables:
        """A private working copy: new dicts holding new entity objects."""
        return Tables(**{name: {k: replace(v) for k, v in table.items()} for name, table in self.named()})

    def named(self) -> list[tuple[str, dict[Any, Any]]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    def check_unique(self, candidate: User | None = None) -> None:
        """Enforce the unique rules of the SQL schema: lower(email), username; posts' slugs."""
        slugs = [post.slug for post in self.posts.values()]
        if len(set(slugs)) != len(slugs):
            raise SlugTaken()
        emails: set[str] = set()
        usernames: set[str] = set()
        users = list(self.users.values()) + ([candidate] if candidate is not None else [])
        for user in users:
            email = fold_case(user.email)
            if email in emails:
                raise EmailTaken()
            if user.username in usernames:
                raise UsernameTaken()
            emails.add(email)
            usernames.add(user.username)

    def delete_user(self, user_id: int) -> None:
        """Delete a user and, as ON DELETE CASCADE does, everything that refers to them."""
        self.users.pop(user_id, None)
        for post_id in [k for k, p in self.posts.items() if p.author_id == user_id]:
            self.delete_post(post_id)
        self.comments = {k: c for k, c in self.comments.items() if c.author_id != user_id}
        self.follows = {k: f for k, f in self.follows.items() if user_id not in k}
        self.tokens = {k: t for k, t in self.tokens.items() if t.user_id != user_id}
        self.favorites = {k: f for k, f in self.favorites.items() if f.user_id != user_id}

    def delete_post(self, post_id: int) -> None:
        self.posts.pop(post_id, None)
        self.comments = {k: c for k, c in self.comments.items() if c.post_id != post_id}
        self.taggings.pop(post_id, None)
        self.favorites = {k: f for k, f in self.favorites.items() if f.post_id != post_id}

    def slug_taken(self, slug: str) -> bool:
        return any(post.slug == slug for post in self.posts.values())


class InMemoryStore(Database):
    """Holds the committed ``Tables``. Units of work take ``writer_lock`` for their whole life,
    so writes are serialised as under SQLite; readers read the committed version only."""

    def __init__(self) -> None:
        self.committed = Tables()
        self.writer_lock = asyncio.Lock()
        # Like database sequences, ids are never handed out twice, even after a rollback.
        self._sequences: dict[str, Iterator[int]] = {}

    def next_id(self, table: str) -> int:
        return next(self._sequences.setdefault(table, itertools.count(1)))

    async def ping(self) -> None:
        return None

    async def dispose(self) -> None:
        return None

    def pool_status(self) -> PoolStatus:
        return PoolStatus(
            size=0,
            checked_in=0,
            checked_out=0,
            overflow=0,
            connects=0,
            checkouts=0,
            checkins=0,
            resets=0,
            invalidations=0,
            checkout_timeouts=0,
        )


def snapshot(tables: Tables) -> dict[str, dict[Any, tuple[Any, dict[str, Any]]]]:
    """Remember every entity of ``tables`` with its field values."""
    return {
        name: {
            key: (entity, {f.name: getattr(entity, f.name) for f in fields(entity)}) for key, entity in table.items()
        }
        for name, table in tables.named()
    }


def restore(tables: Tables, saved: dict[str, dict[Any, tuple[Any, dict[str, Any]]]]) -> None:
    """Put ``tables`` back as ``snapshot`` found it, resetting the same entity objects in
    place, so references a use case still holds see the rollback (as an expired ORM object would)."""
    for name, table in saved.items():
        restored = {}
        for key, (entity, values) in table.items():
            for attribute, value in values.items():
                setattr(entity, attribute, value)
            restored[key] = entity
        setattr(tables, name, restored)
