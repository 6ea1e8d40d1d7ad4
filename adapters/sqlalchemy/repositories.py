from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Insert, Result, Table, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.tables import (
    access_tokens,
    comments,
    favorites,
    follows,
    is_storable_id,
    post_tags,
    posts,
    tags,
    users,
)
from application.errors import PostNotFound, UserNotFound
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

_POST_INSERT_COLUMNS = tuple(c.name for c in posts.columns if c.name != "id")


def _storable_ids(ids: Sequence[int]) -> list[int]:
    return [i for i in ids if is_storable_id(i)]


def _rowcount(result: Result[Any]) -> int:
    return cast(CursorResult[Any], result).rowcount


async def flush(session: AsyncSession) -> None:
    """Flush, turning a known constraint violation into its application error."""
    with storage_errors():
        await session.flush()


def _insert_ignoring_duplicates(session: AsyncSession, table: Table, *key: str) -> Insert:
    """``INSERT ... ON CONFLICT (key) DO NOTHING``: a row whose key is taken, also by a
    transaction committing at the same moment (PostgreSQL waits for it), is skipped."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(key))
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(key))


def _free_slug(slug: str) -> str:
    return with_suffix(slug, secrets.token_hex(4))


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
        # ON CONFLICT on the slug alone: a taken slug, also one a concurrent transaction is
        # committing, inserts nothing and the next try takes a suffix; any other rule still
        # fails the statement. The stored post then joins the session as if loaded.
        while True:
            values = {name: getattr(post, name) for name in _POST_INSERT_COLUMNS}
            statement = _insert_ignoring_duplicates(self._session, posts, "slug").values(values).returning(posts.c.id)
            with storage_errors():
                post_id = (await self._session.execute(statement)).scalar_one_or_none()
            if post_id is not None:
                break
            post.slug = _free_slug(post.slug)
        post.id = post_id
        make_transient_to_detached(post)
        self._session.add(post)

    async def get(self, post_id: int) -> Post | None:
        if not is_storable_id(post_id):
            return None
        return await self._session.get(Post, post_id)

    async def delete(self, post_id: int) -> bool:
        # Comments and favourites go with the post through ON DELETE CASCADE; its taggings
        # go first, by a trigger that counts them out of their tags (migration 0007).
        if not is_storable_id(post_id):
            return False
        return _rowcount(await self._session.execute(delete(posts).where(posts.c.id == post_id))) == 1

    async def add_many(self, new_posts: Sequence[Post]) -> None:
        # A Core executemany: multi-row INSERTs on PostgreSQL, one prepared statement run
        # in-process on SQLite. The ORM would send one INSERT per row on SQLite, where it
        # cannot match returned ids to rows.
        if not new_posts:
            return
        wanted = [post.slug for post in new_posts]
        taken = set((await self._session.scalars(select(posts.c.slug).where(posts.c.slug.in_(wanted)))).all())
        for post in new_posts:
            while post.slug in taken:
                post.slug = _free_slug(post.slug)
            taken.add(post.slug)
        rows = [{name: getattr(post, name) for name in _POST_INSERT_COLUMNS} for post in new_posts]
        with storage_errors():
            await self._session.execute(insert(posts), rows)

    async def set_tags(self, post_id: int, new_tags: Sequence[str]) -> None:
        # Checked first, as SQLite names no foreign key.
        if not is_storable_id(post_id):
            raise PostNotFound()
        # Each tagging moves its tag's count of articles (migration 0007's triggers), and a
        # change of the post's published flag, flushed at commit (the session does not
        # autoflush), moves them all: so the post, then every tag whose count may move, are
        # locked first, in that order. Retags and publishes of posts that share tags then
        # wait for each other instead of locking the counts in crossed orders into a deadlock.
        with storage_errors():
            # Until commit: retags of one post run one after the other (the second replaces
            # the first's tags rather than colliding with them), and a deletion waits.
            locked = select(posts.c.id).where(posts.c.id == post_id).with_for_update(key_share=True)
            if (await self._session.execute(locked)).first() is None:
                raise PostNotFound()
            if new_tags:
                # Tags are shared and never deleted: one that another transaction is creating
                # now is waited for, then skipped; in name order, so two waits cannot cross.
                names = [{"name": name} for name in sorted(new_tags)]
                await self._session.execute(_insert_ignoring_duplicates(self._session, tags, "name"), names)
            counted = (
                select(tags.c.name, tags.c.id)
                .where(
                    or_(
                        tags.c.name.in_(list(new_tags)),
                        tags.c.id.in_(select(post_tags.c.tag_id).where(post_tags.c.post_id == post_id)),
                    )
                )
                .order_by(tags.c.id)
                .with_for_update(key_share=True)
            )
            tag_ids: dict[str, int] = {name: tag_id for name, tag_id in (await self._session.execute(counted)).all()}
            await self._session.execute(delete(post_tags).where(post_tags.c.post_id == post_id))
            if new_tags:
                rows = [
                    {"post_id": post_id, "tag_id": tag_ids[name], "position": position}
                    for position, name in enumerate(new_tags)
                ]
                await self._session.execute(insert(post_tags), rows)

    async def transfer_all(self, from_user_id: int, to_user_id: int, now: datetime) -> int:
        statement = update(posts).where(posts.c.author_id == from_user_id).values(author_id=to_user_id, updated_at=now)
        return _rowcount(await self._session.execute(statement))


class SqlAlchemyCommentRepository(CommentRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, comment: Comment) -> None:
        self._session.add(comment)
        await flush(self._session)

    async def get(self, comment_id: int) -> Comment | None:
        if not is_storable_id(comment_id):
            return None
        return await self._session.get(Comment, comment_id)

    async def delete(self, comment_id: int) -> bool:
        if not is_storable_id(comment_id):
            return False
        return _rowcount(await self._session.execute(delete(comments).where(comments.c.id == comment_id))) == 1


class SqlAlchemyFavoriteRepository(FavoriteRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, user_id: int, post_id: int, now: datetime) -> None:
        # Checked first, as SQLite names no foreign key; a user or post deleted after the
        # check fails its foreign key on PostgreSQL, named by storage_errors.
        if not is_storable_id(post_id) or await self._session.get(Post, post_id) is None:
            raise PostNotFound()
        if not is_storable_id(user_id) or await self._session.get(User, user_id) is None:
            raise UserNotFound()
        statement = _insert_ignoring_duplicates(self._session, favorites, "user_id", "post_id").values(
            user_id=user_id, post_id=post_id, created_at=now
        )
        with storage_errors():
            await self._session.execute(statement)

    async def remove(self, user_id: int, post_id: int) -> None:
        await self._session.execute(
            delete(favorites).where(favorites.c.user_id == user_id, favorites.c.post_id == post_id)
        )


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
