from __future__ import annotations

from datetime import datetime

from adapters.memory.store import InMemoryStore, Tables
from application.ports.repositories import PostRepository, TokenRepository, UserRepository
from domain.posts import Post
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

    async def delete(self, user: User) -> None:
        assert user.id is not None
        self._tables.delete_user(user.id)


class InMemoryPostRepository(PostRepository):
    def __init__(self, tables: Tables, store: InMemoryStore) -> None:
        self._tables = tables
        self._store = store

    async def add(self, post: Post) -> None:
        if post.author_id not in self._tables.users:
            raise LookupError(f"no user {post.author_id} to author the post")
        post.id = self._store.next_id("posts")
        self._tables.posts[post.id] = post


class InMemoryTokenRepository(TokenRepository):
    def __init__(self, tables: Tables, store: InMemoryStore) -> None:
        self._tables = tables
        self._store = store

    async def add(self, token: AccessToken) -> None:
        token.id = self._store.next_id("tokens")
        self._tables.tokens[token.token_hash] = token

    async def delete_by_hash(self, token_hash: str) -> None:
        self._tables.tokens.pop(token_hash, None)

    async def delete_for_user(self, user_id: int) -> None:
        self._tables.tokens = {k: t for k, t in self._tables.tokens.items() if t.user_id != user_id}

    async def delete_expired(self, user_id: int, now: datetime) -> None:
        self._tables.tokens = {
            k: t for k, t in self._tables.tokens.items() if t.user_id != user_id or t.is_valid_at(now)
        }
