from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Result, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.tables import access_tokens, follows, is_storable_id, posts, users
from application.ports.repositories import (
    CommentRepository,
    FollowRepository,
    PostRepository,
    TokenRepository,
    UserRepository,
)
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.tokens import AccessToken
from domain.users import User


def _storable_ids(ids: Sequence[int]) -> list[int]:
    return [i for i in ids if is_storable_id(i)]


def _rowcount(result: Result[Any]) -> int:
    return cast(CursorResult[Any], result).rowcount


async def flush(session: AsyncSession) -> None:
    """Flush, turning a known constraint violation into its application error."""
    with storage_errors():
        await session.flush()


class SqlAlchemyUserRepository(UserRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, user: User) -> None:
        self._session.add(user)
        await flush(self._session)

    async def get(self, user_id: int) -> User | None:
        if not is_storable_id(user_id):
            return None
        return await self._session.get(User, user_id)

    async def delete(self, user_id: int) -> bool:
        # What belongs to the user goes with it through ON DELETE CASCADE. A row another
        # transaction deleted first counts 0: PostgreSQL waits for that one, then re-checks.
        if not is_storable_id(user_id):
            return False
        return _rowcount(await self._session.execute(delete(users).where(users.c.id == user_id))) == 1

    async def lock(self, user_ids: Sequence[int]) -> list[User]:
        # PostgreSQL locks the rows as the sorted scan returns them: lowest id first.
        # SQLite has no row locks; its BEGIN IMMEDIATE has serialised writers already.
        statement = select(User).where(users.c.id.in_(_storable_ids(user_ids))).order_by(users.c.id).with_for_update()
        return list((await self._session.scalars(statement)).all())

    async def deactivate_many(self, user_ids: Sequence[int], now: datetime) -> int:
        statement = (
            update(users)
            .where(users.c.id.in_(_storable_ids(user_ids)), users.c.is_active.is_(True))
            .values(is_active=False, updated_at=now)
        )
        return _rowcount(await self._session.execute(statement))


class SqlAlchemyPostRepository(PostRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, post: Post) -> None:
        self._session.add(post)
        await flush(self._session)

    async def get(self, post_id: int) -> Post | None:
        if not is_storable_id(post_id):
            return None
        return await self._session.get(Post, post_id)

    async def delete(self, post_id: int) -> bool:
        # Comments go with the post through ON DELETE CASCADE.
        if not is_storable_id(post_id):
            return False
        return _rowcount(await self._session.execute(delete(posts).where(posts.c.id == post_id))) == 1

    async def add_many(self, new_posts: Sequence[Post]) -> None:
        # A Core executemany: multi-row INSERTs on PostgreSQL, one prepared statement run
        # in-process on SQLite. The ORM would send one INSERT per row on SQLite, where it
        # cannot match returned ids to rows.
        if new_posts:
            rows = [{c.name: getattr(post, c.name) for c in posts.columns if c.name != "id"} for post in new_posts]
            await self._session.execute(insert(posts), rows)

    async def transfer_all(self, from_user_id: int, to_user_id: int, now: datetime) -> int:
        statement = update(posts).where(posts.c.author_id == from_user_id).values(author_id=to_user_id, updated_at=now)
        return _rowcount(await self._session.execute(statement))


class SqlAlchemyCommentRepository(CommentRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, comment: Comment) -> None:
        self._session.add(comment)
        await flush(self._session)


class SqlAlchemyFollowRepository(FollowRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, follow: Follow) -> None:
        self._session.add(follow)
        await flush(self._session)

    async def remove(self, follower_id: int, followee_id: int) -> None:
        await self._session.execute(
            delete(follows).where(follows.c.follower_id == follower_id, follows.c.followee_id == followee_id)
        )


class SqlAlchemyTokenRepository(TokenRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, token: AccessToken) -> None:
        self._session.add(token)

    async def delete_by_hash(self, token_hash: str) -> None:
        await self._session.execute(delete(access_tokens).where(access_tokens.c.token_hash == token_hash))

    async def delete_for_users(self, user_ids: Sequence[int]) -> None:
        await self._session.execute(delete(access_tokens).where(access_tokens.c.user_id.in_(_storable_ids(user_ids))))

    async def delete_expired(self, user_id: int, now: datetime) -> None:
        await self._session.execute(
            delete(access_tokens).where(access_tokens.c.user_id == user_id, access_tokens.c.expires_at <= now)
        )
