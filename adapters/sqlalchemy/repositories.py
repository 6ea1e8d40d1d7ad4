from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.errors import constraint_errors
from adapters.sqlalchemy.tables import access_tokens, follows
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

# Ids are 32-bit integers in the schema; a larger one cannot name a row.
MAX_ID = 2**31 - 1


async def flush(session: AsyncSession) -> None:
    """Flush, turning a known constraint violation into its application error."""
    with constraint_errors():
        await session.flush()


class SqlAlchemyUserRepository(UserRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, user: User) -> None:
        self._session.add(user)
        await flush(self._session)

    async def get(self, user_id: int) -> User | None:
        if not 1 <= user_id <= MAX_ID:
            return None
        return await self._session.get(User, user_id)

    async def delete(self, user: User) -> None:
        # Posts and tokens go with the user through ON DELETE CASCADE.
        await self._session.delete(user)
        await flush(self._session)


class SqlAlchemyPostRepository(PostRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, post: Post) -> None:
        self._session.add(post)
        await flush(self._session)

    async def get(self, post_id: int) -> Post | None:
        if not 1 <= post_id <= MAX_ID:
            return None
        return await self._session.get(Post, post_id)

    async def delete(self, post: Post) -> None:
        # Comments go with the post through ON DELETE CASCADE.
        await self._session.delete(post)
        await flush(self._session)


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

    async def delete_for_user(self, user_id: int) -> None:
        await self._session.execute(delete(access_tokens).where(access_tokens.c.user_id == user_id))

    async def delete_expired(self, user_id: int, now: datetime) -> None:
        await self._session.execute(
            delete(access_tokens).where(access_tokens.c.user_id == user_id, access_tokens.c.expires_at <= now)
        )
