"""On PostgreSQL the readers' statements run on asyncpg itself. Over the same data, that path
answers exactly what SQLAlchemy's execution path answers: every read, every viewer, and the
same JSON once serialized."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.database import PoolSettings, SqlAlchemyDatabase
from adapters.sqlalchemy.readers import SqlAlchemyCredentialsReader, SqlAlchemyPostReader, SqlAlchemyUserReader
from adapters.sqlalchemy.replicas import ReadConnections
from adapters.sqlalchemy.rows import CoreRows, Rows
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.auth import Actor
from application.queries import Page, PostFilter
from application.tokens import hash_token
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.tokens import AccessToken
from domain.users import User
from entrypoints.http.responses import json_bytes
from tests.conftest import database_url
from tests.fakes import ManualClock

pytestmark = pytest.mark.postgres
PAGE = Page(skip=0, limit=100)


class ThroughSqlAlchemy:
    """The same database, every statement through ``AsyncConnection.execute``."""

    def __init__(self, database: SqlAlchemyDatabase) -> None:
        self._db = database

    @asynccontextmanager
    async def rows(self, *, consistent: bool = False) -> AsyncIterator[Rows]:
        async with self._db.read_consistent() if consistent else self._db.read_one() as connection:
            yield CoreRows(connection)

    def read_one(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return self._db.read_one()


@pytest.fixture
async def database(request: pytest.FixtureRequest) -> AsyncIterator[SqlAlchemyDatabase]:
    db = SqlAlchemyDatabase(await database_url(request, "postgres"), pool=PoolSettings(size=3))
    yield db
    await db.dispose()


async def a_world(database: SqlAlchemyDatabase, clock: ManualClock) -> dict[str, int]:
    """Users with and without full names (one inactive, non-ASCII text), published posts and
    drafts, comments on both, follows both ways, a live token."""
    async with SqlAlchemyUnitOfWork(database) as uow:
        ids: dict[str, int] = {}
        for name, full_name in (("ann", "Ann Lée"), ("bob", None), ("cyd", "Cyd 💡 Zed"), ("dee", None)):
            user = User.register(
                email=f"{name}@example.com", username=name, hashed_password="h", full_name=full_name, now=clock.now()
            )
            user.set_active(name != "dee", clock.now())
            await uow.users.add(user)
            assert user.id is not None
            ids[name] = user.id
            clock.advance(timedelta(seconds=1, microseconds=123))
        for author, published in (("ann", True), ("ann", False), ("bob", True), ("cyd", False)):
            post = Post.write(author_id=ids[author], title='t\n"q"', content="c", published=published, now=clock.now())
            await uow.posts.add(post)
            assert post.id is not None
            if not published:
                ids.setdefault("draft", post.id)
            for commenter in ("ann", "bob"):
                comment = Comment.write(post_id=post.id, author_id=ids[commenter], content="hi", now=clock.now())
                await uow.comments.add(comment)
            clock.advance(timedelta(milliseconds=7))
        for follower, followee in (("ann", "bob"), ("bob", "ann"), ("cyd", "ann"), ("dee", "cyd")):
            await uow.follows.add(Follow.link(follower_id=ids[follower], followee_id=ids[followee], now=clock.now()))
        expires = clock.now() + timedelta(hours=1)
        token = AccessToken(
            token_hash=hash_token("secret"), user_id=ids["ann"], created_at=clock.now(), expires_at=expires
        )
        await uow.tokens.add(token)
        await uow.commit()
    return ids


async def answers(connections: ReadConnections, ids: dict[str, int], clock: ManualClock) -> dict[str, object]:
    """Every read the readers offer, of the world, by every kind of viewer."""
    users, posts = SqlAlchemyUserReader(connections), SqlAlchemyPostReader(connections)
    credentials = SqlAlchemyCredentialsReader(connections)
    found: dict[str, object] = {
        "get": await users.get(ids["ann"]),
        "missing": await users.get(10**6),
        "list": await users.list_page(PAGE, active_only=False),
        "active": await users.list_page(Page(skip=1, limit=2), active_only=True),
        "search": await users.search("E", PAGE),
        "followers": await users.followers(ids["ann"], PAGE),
        "following": await users.following(ids["dee"], PAGE),
        "credentials": await credentials.find_credentials("ANN@example.com"),
        "token": await credentials.user_for_token(hash_token("secret"), clock.now()),
    }
    viewers = {
        "anonymous": None,
        "author": Actor(id=ids["ann"], is_superuser=False),
        "other": Actor(id=ids["bob"], is_superuser=False),
        "superuser": Actor(id=ids["cyd"], is_superuser=True),
    }
    drafts_of_ann = PostFilter(author_id=ids["ann"], published=False)
    for who, viewer in viewers.items():
        found[f"with-posts/{who}"] = await users.get_with_posts(ids["ann"], viewer=viewer)
        found[f"profile/{who}"] = await users.get_profile(ids["ann"], viewer=viewer)
        found[f"posts/{who}"] = await posts.list_page(PAGE, PostFilter(), viewer=viewer)
        found[f"drafts of ann/{who}"] = await posts.list_page(PAGE, drafts_of_ann, viewer=viewer)
        found[f"draft/{who}"] = await posts.get_detail(ids["draft"], viewer=viewer)
        found[f"comments/{who}"] = await posts.comments(ids["draft"], PAGE, viewer=viewer)
    return found


async def test_every_read_answers_the_same_on_both_paths(database: SqlAlchemyDatabase, clock: ManualClock) -> None:
    ids = await a_world(database, clock)
    fast = await answers(database, ids, clock)
    reference = await answers(ThroughSqlAlchemy(database), ids, clock)
    assert fast.keys() == reference.keys()
    differences = [
        f"{read}: {fast[read]!r} != {reference[read]!r}"
        for read in fast
        if fast[read] != reference[read] or json_bytes(fast[read]) != json_bytes(reference[read])
    ]
    assert differences == []
    assert fast["draft/author"] is not None and fast["draft/other"] is None, "the world holds what it should"
