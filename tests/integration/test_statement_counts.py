"""Every read answers in a constant number of SQL statements, whatever the number of rows
and whoever is looking: one per level of nesting, joins for to-one relations (and one outer
join for a user with their posts, the hot read). Counted at the engine."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.sqlalchemy.article_readers import SqlAlchemyArticleReader
from adapters.sqlalchemy.database import SqlAlchemyDatabase
from adapters.sqlalchemy.readers import SqlAlchemyPostReader, SqlAlchemyUserReader
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.auth import Actor
from application.queries import ArticleFilter, Page, PostFilter
from application.views import ArticlePageDTO
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.users import User
from tests.conftest import SUPERUSER_VIEWER
from tests.databases import recorded_statements
from tests.fakes import ManualClock

# Statements per read, SELECTs only (SQLite's BEGIN is not counted).
EXPECTED = {
    "get_user": 1,
    "list_users": 1,
    "with_posts": 1,
    "profile": 5,
    "followers": 2,
    "posts_list": 1,
    "post_detail": 2,
    "post_comments": 2,
}
PAGE = Page(skip=0, limit=1000)


async def build_world(
    database: SqlAlchemyDatabase, clock: ManualClock, *, posts: int, comments: int, followers: int
) -> int:
    """A user with ``posts`` posts of ``comments`` comments each and ``followers`` followers;
    returns the user's id."""
    now = clock.now()
    async with SqlAlchemyUnitOfWork(database) as uow:
        star = User.register(email="star@example.com", username="star", hashed_password="h", full_name=None, now=now)
        await uow.users.add(star)
        assert star.id is not None
        fans = []
        for i in range(max(followers, 1)):
            fan = User.register(
                email=f"fan{i}@example.com", username=f"fan{i}", hashed_password="h", full_name=None, now=now
            )
            await uow.users.add(fan)
            assert fan.id is not None
            fans.append(fan.id)
        for fan_id in fans[:followers]:
            await uow.follows.add(Follow.link(follower_id=fan_id, followee_id=star.id, now=now))
            await uow.follows.add(Follow.link(follower_id=star.id, followee_id=fan_id, now=now))
        for p in range(posts):
            post = Post.write(author_id=star.id, title=f"post {p}", content="c", published=p % 2 == 0, now=now)
            await uow.posts.add(post)
            assert post.id is not None
            for c in range(comments):
                await uow.comments.add(
                    Comment.write(post_id=post.id, author_id=fans[c % len(fans)], content="hi", now=now)
                )
        await uow.commit()
    return star.id


def author(user_id: int) -> Actor:
    return Actor(id=user_id, is_superuser=False)


async def count_reads(database: SqlAlchemyDatabase, user_id: int, viewer: Actor | None) -> dict[str, int]:
    users, posts = SqlAlchemyUserReader(database), SqlAlchemyPostReader(database)
    profile = await users.get_profile(user_id, viewer=viewer)
    assert profile is not None and profile.posts
    first_post = profile.posts[0].post.id
    reads = {
        "get_user": users.get(user_id),
        "list_users": users.list_page(PAGE, active_only=False),
        "with_posts": users.get_with_posts(user_id, viewer=viewer),
        "profile": users.get_profile(user_id, viewer=viewer),
        "followers": users.followers(user_id, PAGE),
        "posts_list": posts.list_page(PAGE, PostFilter(), viewer=viewer),
        "post_detail": posts.get_detail(first_post, viewer=viewer),
        "post_comments": posts.comments(first_post, PAGE, viewer=viewer),
    }
    counts = {}
    for name, read in reads.items():
        async with recorded_statements(database, "SELECT", "WITH") as statements:
            assert await read is not None
        counts[name] = len(statements)
    return counts


@pytest.mark.parametrize(
    ("posts", "comments", "followers"), [pytest.param(1, 0, 0, id="one-post"), pytest.param(50, 10, 30, id="50x10x30")]
)
async def test_reads_take_a_constant_number_of_statements(
    sql_url: str, clock: ManualClock, posts: int, comments: int, followers: int
) -> None:
    database = SqlAlchemyDatabase(sql_url)
    try:
        user_id = await build_world(database, clock, posts=posts, comments=comments, followers=followers)
        for viewer in (None, author(user_id), SUPERUSER_VIEWER):
            assert await count_reads(database, user_id, viewer) == EXPECTED, viewer
        profile = await SqlAlchemyUserReader(database).get_profile(user_id, viewer=author(user_id))
        assert profile is not None
        assert (len(profile.posts), len(profile.followers), len(profile.following)) == (posts, followers, followers)
        assert all(len(p.comments) == comments for p in profile.posts)
    finally:
        await database.dispose()


async def test_posts_list_of_a_hundred_takes_as_many_statements_as_of_one(sql_url: str, clock: ManualClock) -> None:
    database = SqlAlchemyDatabase(sql_url)
    try:
        star = await build_world(database, clock, posts=100, comments=0, followers=0)
        reader = SqlAlchemyPostReader(database)
        counts = []
        for limit in (1, 100):
            async with recorded_statements(database, "SELECT", "WITH") as statements:
                found = await reader.list_page(Page(skip=0, limit=limit), PostFilter(), viewer=author(star))
            assert len(found) == limit
            assert all(p.author.username == "star" for p in found)
            counts.append(len(statements))
        assert counts == [1, 1]
    finally:
        await database.dispose()


ARTICLE_READS = {"list": 3, "by_tag": 3, "by_author": 3, "favorited": 3, "feed": 2, "article": 2, "comments": 2}


async def test_article_reads_take_as_many_statements_for_a_hundred_as_for_one(sql_url: str, clock: ManualClock) -> None:
    """Each article carries its author, ``following``, ``favorited``, ``favoritesCount`` and
    its tags for the reader: none of them a statement per article."""
    database = SqlAlchemyDatabase(sql_url)
    try:
        star = await build_world(database, clock, posts=200, comments=0, followers=3)
        async with SqlAlchemyUnitOfWork(database) as uow:
            for post_id in range(1, 201):
                await uow.posts.set_tags(post_id, ["common", f"tag-{post_id % 7}", f"tag-{post_id % 5}-b"])
                await uow.favorites.add(star, post_id, clock.now())
                await uow.comments.add(Comment.write(post_id=post_id, author_id=star, content="hi", now=clock.now()))
            await uow.commit()
        reader = SqlAlchemyArticleReader(database)
        fan = star + 1
        first = await reader.get_by_id(1, viewer_id=fan)
        assert first is not None and len(first.tags) == 3 and first.favorites_count == 1

        def reads(limit: int) -> dict[str, Any]:
            page = Page(limit=limit)
            return {
                "list": reader.list_page(ArticleFilter(), page, viewer_id=fan),
                "by_tag": reader.list_page(ArticleFilter(tag="common"), page, viewer_id=fan),
                "by_author": reader.list_page(ArticleFilter(author="star"), page, viewer_id=None),
                "favorited": reader.list_page(ArticleFilter(favorited_by="star"), page, viewer_id=star),
                "feed": reader.feed(fan, page),
                "article": reader.get(first.slug, viewer_id=fan),
                "comments": reader.comments(first.slug, viewer_id=fan),
            }

        for limit in (1, 100):
            counts = {}
            for name, read in reads(limit).items():
                async with recorded_statements(database, "SELECT", "WITH") as statements:
                    found = await read
                counts[name] = len(statements)
                if isinstance(found, ArticlePageDTO):
                    assert len(found.articles) == limit and found.count == 100, name
                    assert all(len(a.tags) == 3 and a.author.username == "star" for a in found.articles), name
            assert counts == ARTICLE_READS, limit
    finally:
        await database.dispose()
