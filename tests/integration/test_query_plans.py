"""Query plans on PostgreSQL: deep keyset pages of every list (the articles by tag, author,
favourer and the feed too), and the search, read indexes.

Tables of tens of thousands of rows (filled by INSERT ... SELECT generate_series, then
VACUUM ANALYZE), and the readers themselves, on a connection that asks PostgreSQL to EXPLAIN each
statement (compiled by ``rows.Statements``, as on the driver path, with the arguments the
reader binds) before it runs it: no plan may hold a Seq Scan on users or posts, and the
search reads its trigram indexes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import asyncpg
import pytest
from sqlalchemy import Dialect
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy.article_readers import SqlAlchemyArticleReader
from adapters.sqlalchemy.readers import SqlAlchemyPostReader, SqlAlchemyUserReader
from adapters.sqlalchemy.rows import Statements
from application.auth import Actor
from application.queries import ArticleFilter, Page, PostFilter
from application.views import ArticlePageDTO
from tests.conftest import migrated_postgres_database, run_in_thread
from tests.explaining import ExplainingConnections

pytestmark = pytest.mark.postgres

USERS = 40_000
TAGS = 1_000
POPULAR_TAG = "tag1"
"""On every tenth post (post ``10k + 1``: published); every post has one other tag too, of the
other 999 alike."""
FAN = 7
"""Favours every twentieth post (4,000, all published: ``20k + 1``), besides the five every user
favours."""
FEED_READER = 2
"""Follows 1,000 authors (their posts: 2,000), besides the three every user follows."""
FILL = [
    f"""INSERT INTO users (email, username, hashed_password, full_name, is_active)
        SELECT 'user' || g || '@example.com', 'user' || g, 'h', 'User Number ' || g, g % 10 <> 0
        FROM generate_series(1, {USERS}) AS g""",
    f"""INSERT INTO posts (slug, title, description, content, published, author_id)
        SELECT 'post-' || g, 'post ' || g, 'about post ' || g, 'content', g % 5 <> 0, g % {USERS} + 1
        FROM generate_series(1, {2 * USERS}) AS g""",
    f"""INSERT INTO comments (post_id, author_id, content)
        SELECT g % {USERS // 5} + 1, g % {USERS} + 1, 'nice' FROM generate_series(1, {2 * USERS}) AS g""",
    f"""INSERT INTO follows (follower_id, followee_id)
        SELECT g, (g + k * 97) % {USERS} + 1 FROM generate_series(1, {USERS}) AS g, generate_series(1, 3) AS k""",
    f"""INSERT INTO follows (follower_id, followee_id)
        SELECT {FEED_READER}, k * 39 FROM generate_series(1, 1000) AS k ON CONFLICT DO NOTHING""",
    f"INSERT INTO tags (name) SELECT 'tag' || g FROM generate_series(1, {TAGS}) AS g",
    f"""INSERT INTO post_tags (post_id, tag_id, position)
        SELECT g, 1, 0 FROM generate_series(1, {2 * USERS}, 10) AS g
        UNION ALL
        SELECT g, 2 + g % {TAGS - 1}, 1 FROM generate_series(1, {2 * USERS}) AS g""",
    f"""INSERT INTO favorites (user_id, post_id)
        SELECT g, (g * 37 * k) % {2 * USERS} + 1 FROM generate_series(1, {USERS}) AS g, generate_series(1, 5) AS k
        UNION
        SELECT {FAN}, g FROM generate_series(1, {2 * USERS}, 20) AS g
        ON CONFLICT DO NOTHING""",
    # VACUUM too, as autovacuum would: rows inserted after a GIN index was built wait in its
    # pending list, which every search scans whole until VACUUM merges it (seen here: the
    # planner then rightly preferred a Seq Scan).
    "VACUUM ANALYZE",
]
TRIGRAM_INDEXES = {"ix_users_email_lower_trgm", "ix_users_username_lower_trgm", "ix_users_full_name_lower_trgm"}


@pytest.fixture(scope="module")
def filled_url() -> Iterator[str]:
    """A migrated PostgreSQL database with tens of thousands of rows in each table."""
    for url in migrated_postgres_database("inkwell_plans"):
        run_in_thread(_fill(url))
        yield url


def _driver_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _fill(url: str) -> None:
    connection = await asyncpg.connect(_driver_url(url))
    try:
        for statement in FILL:
            await connection.execute(statement)
    finally:
        await connection.close()


class RecordedPlans(ExplainingConnections):
    """Explaining connections that keep what PostgreSQL chose for each statement in ``plans``."""

    def __init__(self, connection: Any, dialect: Dialect) -> None:
        self.plans: list[dict[str, Any]] = []

        async def record(sql: str, arguments: Sequence[Any]) -> None:
            found = await connection.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *arguments)
            self.plans.append({"sql": sql, "plan": json.loads(found)[0]["Plan"]})

        super().__init__(connection, Statements(dialect), record)


@pytest.fixture
async def explaining(filled_url: str) -> AsyncIterator[RecordedPlans]:
    engine = create_async_engine(filled_url)  # for its dialect, as the service compiles with
    await engine.dispose()
    connection = await asyncpg.connect(_driver_url(filled_url))
    try:
        yield RecordedPlans(connection, engine.dialect)
    finally:
        await connection.close()


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from nodes(child)


def scans(plans: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Every scan of every plan: (node type, relation, index)."""
    return [
        (node["Node Type"], node.get("Relation Name", ""), node.get("Index Name", ""))
        for entry in plans
        for node in nodes(entry["plan"])
        if "Scan" in node["Node Type"]
    ]


DEEP = Page(after_id=USERS - 1_000, limit=20)
LISTS = {
    "users": lambda users, posts: users.list_page(DEEP, active_only=False),
    "active users": lambda users, posts: users.list_page(Page(after_id=1_000, limit=20), active_only=True),
    "posts": lambda users, posts: posts.list_page(Page(after_id=2 * USERS - 500, limit=20), PostFilter(), viewer=None),
    "drafts": lambda users, posts: posts.list_page(
        Page(after_id=USERS, limit=20), PostFilter(published=False), viewer=Actor(id=1, is_superuser=True)
    ),
    "posts of an author": lambda users, posts: posts.list_page(
        Page(after_id=USERS, limit=20), PostFilter(author_id=123), viewer=None
    ),
    "comments": lambda users, posts: posts.comments(4_001, Page(after_id=USERS, limit=20), viewer=None),
    "followers": lambda users, posts: users.followers(5_000, Page(after_id=1_000, limit=20)),
    "following": lambda users, posts: users.following(5_000, Page(after_id=5_000, limit=20)),
}

# The index ranges each list's page may read (drafts are a fifth of the posts here, dense
# enough for the planner to walk the primary key).
INDEXES_OF = {
    "users": {"pk_users"},
    "active users": {"pk_users"},
    "posts": {"pk_posts"},
    "drafts": {"pk_posts", "ix_posts_published_id"},
    "posts of an author": {"ix_posts_author_id_id"},
    "comments": {"ix_comments_post_id_id"},
    "followers": {"ix_follows_followee_id_follower_id"},
    "following": {"uq_follows_follower_id_followee_id"},
}


@pytest.mark.parametrize("name", LISTS)
async def test_a_deep_page_of_each_list_reads_indexes_and_no_table_of_users_or_posts_whole(
    explaining: RecordedPlans, name: str
) -> None:
    users, posts = SqlAlchemyUserReader(explaining), SqlAlchemyPostReader(explaining)

    found = await LISTS[name](users, posts)

    assert found, "the page is not empty: the plan is of a real read"
    seen = scans(explaining.plans)
    assert [scan for scan in seen if scan[0] == "Seq Scan" and scan[1] in ("users", "posts")] == [], seen
    assert {index for _, _, index in seen} & INDEXES_OF[name], seen


@pytest.mark.parametrize(("query", "matches"), [("no-one-is-called-this", 0), ("user12345", 1)])
async def test_the_search_reads_the_trigram_indexes(explaining: RecordedPlans, query: str, matches: int) -> None:
    found = await SqlAlchemyUserReader(explaining).search(query, Page(limit=20))

    assert len(found) == matches
    seen = scans(explaining.plans)
    assert [scan for scan in seen if scan[0] == "Seq Scan"] == [], seen
    assert {index for kind, _, index in seen if kind == "Bitmap Index Scan"} == TRIGRAM_INDEXES, seen


DEEP_ARTICLES = Page(after_id=USERS, limit=20)
ARTICLE_LISTS = {
    "articles with a popular tag": lambda articles: articles.list_page(
        ArticleFilter(tag=POPULAR_TAG), DEEP_ARTICLES, viewer_id=FAN
    ),
    "articles with a rare tag": lambda articles: articles.list_page(
        ArticleFilter(tag="tag500"), Page(limit=20), viewer_id=FAN
    ),
    "articles of an author": lambda articles: articles.list_page(
        ArticleFilter(author="user123"), DEEP_ARTICLES, viewer_id=FAN
    ),
    "articles favoured by a user": lambda articles: articles.list_page(
        ArticleFilter(favorited_by=f"user{FAN}"), DEEP_ARTICLES, viewer_id=FEED_READER
    ),
    "feed of a user following many authors": lambda articles: articles.feed(FEED_READER, DEEP_ARTICLES),
    "feed, by offset": lambda articles: articles.feed(FEED_READER, Page(skip=200, limit=20)),
}

# The indexes each list reads its posts through: one of each set. An author's published
# posts and the followed authors' are in ix_posts_author_id_id_published (migration 0005).
AUTHORS_POSTS = {"ix_posts_author_id_id", "ix_posts_author_id_id_published"}
WHOM_THEY_FOLLOW = {"uq_follows_follower_id_followee_id"}
ARTICLE_INDEXES_OF: dict[str, list[set[str]]] = {
    "articles with a popular tag": [{"ix_post_tags_tag_id_post_id"}],
    "articles with a rare tag": [{"ix_post_tags_tag_id_post_id"}],
    "articles of an author": [AUTHORS_POSTS],
    "articles favoured by a user": [{"pk_favorites"}],
    "feed of a user following many authors": [WHOM_THEY_FOLLOW, {"ix_posts_author_id_id_published"}],
    "feed, by offset": [WHOM_THEY_FOLLOW, {"ix_posts_author_id_id_published"}],
}


@pytest.mark.parametrize("name", ARTICLE_LISTS)
async def test_a_deep_page_of_articles_reads_indexes_and_no_table_of_users_or_posts_whole(
    explaining: RecordedPlans, name: str
) -> None:
    """Every statement of the page: the page, its tags (probes of the ids found), and the
    size of the list (which a feed's page counts itself, unless a keyset cuts it)."""
    found: ArticlePageDTO = await ARTICLE_LISTS[name](SqlAlchemyArticleReader(explaining))

    assert found.articles and found.count > len(found.articles), "a real page of a longer list"
    assert all(article.tags for article in found.articles)
    assert len(explaining.plans) == (2 if name == "feed, by offset" else 3)
    seen = scans(explaining.plans)
    whole = [scan for scan in seen if scan[0] == "Seq Scan" and scan[1] in ("users", "posts", "post_tags")]
    assert whole == [], seen
    assert {index for _, _, index in scans([explaining.plans[1]])} >= {"pk_post_tags"}, "the page's tags, by id"
    read = {index for _, _, index in seen}
    assert all(read & indexes for indexes in ARTICLE_INDEXES_OF[name]), seen
    walks = [
        node
        for entry in explaining.plans
        for node in nodes(entry["plan"])
        if node.get("Index Name") == "pk_posts" and node.get("Scan Direction") == "Backward"
    ]
    assert walks == [], "no walk of every post, newest first, for the posts a filter lets through"
