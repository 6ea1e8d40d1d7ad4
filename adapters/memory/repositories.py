from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from adapters.memory.store import Favorite, InMemoryStore, Tables, Tagging
from application.errors import AlreadyFollowing, PostNotFound, UserNotFound
from application.ports.repositories import (
    CommentRepository,
    FavoriteRepository,
    FollowRepository,
    PostRepository,
    TokenRepository,
    UserRepository,
)
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.slugs import with_suffix
from domain.tokens import AccessToken
from domain.users import User


class InMemoryUserRepository(UserRepository):
    def __init__(self, tables: Tables, store: InMemoryStore) -> None:
        self._tables = tables
        self._store = store

    async def add(self, user: User) -> None:
        self._tables.check_unique(candidate=user)
        user.id = self._store.next_id("users")
        self._tables.users[user.id] = user

    async def get(self, user_id: int) -> User | None:
        return self._tables.users.get(user_id)

    async def delete(self, user_id: int) -> bool:
        if user_id not in self._tables.users:
            return False
        self._tables.delete_user(user_id)
        return True

    async def lock(self, user_ids: Sequence[int]) -> list[User]:
        # The unit of work holds the store's writer lock already.
        return [self._tables.users[i] for i in sorted(set(user_ids)) if i in self._tables.users]

    async def deactivate_many(self, user_ids: Sequence[int], now: datetime) -> int:
        active = [u for i in set(user_ids) if (u := self._tables.users.get(i)) is not None and u.is_active]
        for user in active:
            user.set_active(False, now)
        return len(active)


class InMemoryPostRepository(PostRepository):
    def __init__(self, tables: Tables, store: InMemoryStore) -> None:
        self._tables = tables
        self._store = store

    async def add(self, post: Post) -> None:
        _require(post.author_id in self._tables.users, f"no user {post.author_id} to author the post")
        while self._tables.slug_taken(post.slug):
            post.slug = with_suffix(post.slug, secrets.token_hex(4))
        post.id = self._store.next_id("posts")
        self._tables.posts[post.id] = post

    async def get(self, post_id: int) -> Post | None:
        return self._tables.posts.get(post_id)

    async def delete(self, post_id: int) -> bool:
        if post_id not in self._tables.posts:
            return False
        self._tables.delete_post(post_id)
        return True

    async def add_many(self, posts: Sequence[Post]) -> None:
        for post in posts:
            await self.add(post)

    async def set_tags(self, post_id: int, tags: Sequence[str]) -> None:
        if post_id not in self._tables.posts:
            raise PostNotFound()
        self._tables.taggings[post_id] = Tagging(post_id=post_id, tags=tuple(tags))

    async def transfer_all(self, from_user_id: int, to_user_id: int, now: datetime) -> int:
        moved = [p for p in self._tables.posts.values() if p.author_id == from_user_id]
        for post in moved:
            post.author_id = to_user_id
            post.updated_at = now
        return len(moved)


class InMemoryCommentRepository(CommentRepository):
    def __init__(self, tables: Tables, store: InMemoryStore) -> None:
        self._tables = tables
        self._store = store

    async def add(self, comment: Comment) -> None:
        _require(comment.post_id in self._tables.posts, f"no post {comment.post_id} to comment on")
        _require(comment.author_id in self._tables.users, f"no user {comment.author_id} to write the comment")
        comment.id = self._store.next_id("comments")
        self._tables.comments[comment.id] = comment

    async def get(self, comment_id: int) -> Comment | None:
        return self._tables.comments.get(comment_id)

    async def delete(self, comment_id: int) -> bool:
        return self._tables.comments.pop(comment_id, None) is not None


class InMemoryFavoriteRepository(FavoriteRepository):
    def __init__(self, tables: Tables) -> None:
        self._tables = tables

    async def add(self, user_id: int, post_id: int, now: datetime) -> None:
        if post_id not in self._tables.posts:
            raise PostNotFound()
        if user_id not in self._tables.users:
            raise UserNotFound()
        self._tables.favorites.setdefault(
            (user_id, post_id), Favorite(user_id=user_id, post_id=post_id, created_at=now)
        )

    async def remove(self, user_id: int, post_id: int) -> None:
        self._tables.favorites.pop((user_id, post_id), None)


class InMemoryFollowRepository(FollowRepository):
    def __init__(self, tables: Tables, store: InMemoryStore) -> None:
        self._tables = tables
        self._store = store

    async def add(self, follow: Follow) -> None:
        key = (follow.follower_id, follow.followee_id)
        _require(all(user_id in self._tables.users for user_id in key), f"no such users to link: {key}")
        if key in self._tables.follows:
            raise AlreadyFollowing()
        follow.id = self._store.next_id("follows")
        self._tables.follows[key] = follow

    async def remove(self, follower_id: int, followee_id: int) -> None:
        self._tables.follows.pop((follower_id, followee_id), None)


def _require(condition: bool, foreign_key_violation: str) -> None:
    """What a foreign key would refuse, refused here too."""
    if not condition:
        raise LookupError(foreign_key_violation)


class InMemoryTokenRepository(TokenRepository):
    def __init__(self, tables: Tables, store: InMemoryStore) -> None:
        self._tables = tables
        self._store = store

    async def add(self, token: AccessToken) -> None:
        token.id = self._store.next_id("tokens")
        self._tables.tokens[token.token_hash] = token

    async def delete_by_hash(self, token_hash: str) -> None:
        self._tables.tokens.pop(token_hash, None)

    async def delete_for_users(self, user_ids: Sequence[int]) -> None:
        ended = set(user_ids)
        self._tables.tokens = {k: t for k, t in self._tables.tokens.items() if t.user_id not in ended}

    async def delete_expired(self, user_id: int, now: datetime) -> None:
        self._tables.tokens = {
            k: t for k, t in self._tables.tokens.items() if t.user_id != user_id or t.is_valid_at(now)
        }
