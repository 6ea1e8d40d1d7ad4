"""``seed`` on a fresh migrated PostgreSQL database: the rows it promises (slugs, tags,
favourites and the feed reader's follows included), the demo password, refusal of a database
with users, ``--force``, and a schema left as it was."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.seed.postgres import DEMO_PASSWORD, DatabaseNotEmpty, NotPostgres, seed_demo_data
from adapters.sqlalchemy.seed.rows import FEED_READER
from tests.conftest import migrated_postgres_database
from tests.databases import TAG_COUNTS
from tests.integration.test_entrypoints import cli

pytestmark = pytest.mark.postgres
USERS = 200
# Every table's rows at USERS users: ten follows each but the feed reader's, who follows
# everyone else (fewer than 1,001 users); one tag per post (fewer than 1,000 posts); five
# favourites each. post_tags has 1 to 4 per post, drawn (checked apart).
COUNTS = {
    "users": USERS,
    "posts": 3 * USERS,
    "comments": 3 * USERS,
    "follows": 10 * (USERS - 1) + (USERS - 1),
    "tags": 3 * USERS,
    "favorites": 5 * USERS,
}
SCHEMA = """
    SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL
    SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace
    ORDER BY 1, 2, 3
"""


@pytest.fixture(scope="module")
def fresh_url() -> Iterator[str]:
    """A migrated database of this module's own: seeding rebuilds the tables' indexes."""
    yield from migrated_postgres_database("inkwell_seed_test")


async def connect(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))


async def seed(url: str, hasher: Argon2PasswordHasher, *, force: bool = False) -> None:
    await seed_demo_data(url, users=USERS, force=force, hasher=hasher, progress=lambda _line: None)


async def test_seeds_the_promised_rows_and_keeps_the_schema(fresh_url: str, hasher: Argon2PasswordHasher) -> None:
    connection = await connect(fresh_url)
    try:
        schema_before = await connection.fetch(SCHEMA)
        await seed(fresh_url, hasher)
        assert await counts(connection) == COUNTS
        not_vacuumed = await connection.fetch(
            "SELECT relname FROM pg_class WHERE relname = ANY($1::text[]) AND relallvisible < relpages",
            [*COUNTS, "post_tags"],
        )
        assert not_vacuumed == [], "vacuumed: index-only scans need not visit the tables"
        assert await connection.fetchval("SELECT count(*) FROM follows WHERE follower_id = followee_id") == 0
        assert (
            await connection.fetchval(
                "SELECT count(*) FROM (SELECT 1 FROM follows GROUP BY follower_id, followee_id HAVING count(*) > 1) d"
            )
            == 0
        )
        assert await connection.fetch(SCHEMA) == schema_before
        hashed = await connection.fetchval("SELECT hashed_password FROM users WHERE id = $1", USERS // 2)
        assert await hasher.verify(hashed, DEMO_PASSWORD)
        assert await connection.fetchval("SELECT count(DISTINCT hashed_password) FROM users") == 1
    finally:
        await connection.close()


async def counts(connection: asyncpg.Connection) -> dict[str, int]:
    return {table: await connection.fetchval(f"SELECT count(*) FROM {table}") for table in COUNTS}


async def test_every_post_has_its_slug_tags_and_description(fresh_url: str, hasher: Argon2PasswordHasher) -> None:
    await seed(fresh_url, hasher, force=True)
    connection = await connect(fresh_url)
    try:
        slugs = await connection.fetchrow(
            """SELECT count(DISTINCT slug) AS distinct,
                      count(*) FILTER (WHERE slug !~ ('^[a-z]+(-[a-z]+)*-' || id || '$')) AS malformed,
                      count(*) FILTER (WHERE description = '') AS undescribed
               FROM posts"""
        )
        assert dict(slugs) == {"distinct": 3 * USERS, "malformed": 0, "undescribed": 0}
        tagged = await connection.fetchrow(
            """SELECT count(*) AS posts, min(tags) AS fewest, max(tags) AS most, sum(tags) AS taggings,
                      bool_and(positions = tags) AS positions_from_0
               FROM (SELECT count(*) AS tags, max(position) + 1 AS positions FROM post_tags GROUP BY post_id) p"""
        )
        assert (tagged["posts"], tagged["fewest"], tagged["most"], tagged["positions_from_0"]) == (
            3 * USERS,
            1,
            4,
            True,
        )
        assert 2 * 3 * USERS < tagged["taggings"] < 3 * 3 * USERS, "2.5 tags a post on average"
        by_popularity = await connection.fetch("SELECT count(*) FROM post_tags GROUP BY tag_id ORDER BY tag_id")
        assert by_popularity[0]["count"] > 5 * tagged["taggings"] / COUNTS["tags"], "tag 1 is a popular one"
    finally:
        await connection.close()


async def test_favourites_are_five_published_posts_and_the_feed_reader_follows_everyone_else(
    fresh_url: str, hasher: Argon2PasswordHasher
) -> None:
    await seed(fresh_url, hasher, force=True)
    connection = await connect(fresh_url)
    try:
        favourites = await connection.fetchrow(
            """SELECT count(DISTINCT user_id) AS fans, min(n) AS fewest, max(n) AS most
               FROM (SELECT user_id, count(*) AS n FROM favorites GROUP BY user_id) f"""
        )
        assert dict(favourites) == {"fans": USERS, "fewest": 5, "most": 5}
        assert (
            await connection.fetchval(
                "SELECT count(*) FROM favorites JOIN posts ON posts.id = favorites.post_id WHERE NOT posts.published"
            )
            == 0
        )
        reader = await connection.fetchrow("SELECT id, email FROM users WHERE username = $1", FEED_READER)
        assert dict(reader) == {"id": USERS, "email": "feedreader@example.com"}
        followees = await connection.fetchval(
            "SELECT count(DISTINCT followee_id) FROM follows WHERE follower_id = $1 AND followee_id <> $1", USERS
        )
        assert followees == min(1_000, USERS - 1)
        others = await connection.fetchrow(
            """SELECT min(n), max(n)
               FROM (SELECT count(*) AS n FROM follows WHERE follower_id <> $1 GROUP BY follower_id) f""",
            USERS,
        )
        assert tuple(others) == (10, 10)
    finally:
        await connection.close()


async def test_sequences_continue_past_the_seeded_ids(fresh_url: str, hasher: Argon2PasswordHasher) -> None:
    await seed(fresh_url, hasher, force=True)
    connection = await connect(fresh_url)
    try:
        user = await connection.fetchval(
            "INSERT INTO users (email, username, hashed_password) VALUES ('new@example.com', 'new', 'h') RETURNING id"
        )
        post = await connection.fetchval(
            "INSERT INTO posts (slug, title, content, author_id) VALUES ('t', 't', 'c', $1) RETURNING id", user
        )
        comment = await connection.fetchval(
            "INSERT INTO comments (post_id, author_id, content) VALUES ($1, $2, 'c') RETURNING id", post, user
        )
        follow = await connection.fetchval(
            "INSERT INTO follows (follower_id, followee_id) VALUES ($1, 1) RETURNING id", user
        )
        tag = await connection.fetchval("INSERT INTO tags (name) VALUES ('brand-new') RETURNING id")
    finally:
        await connection.close()
    assert (user, post, comment, follow, tag) == (
        USERS + 1,
        3 * USERS + 1,
        3 * USERS + 1,
        COUNTS["follows"] + 1,
        COUNTS["tags"] + 1,
    )


async def test_a_database_with_users_is_refused_unless_forced(fresh_url: str, hasher: Argon2PasswordHasher) -> None:
    await seed(fresh_url, hasher, force=True)
    with pytest.raises(DatabaseNotEmpty):
        await seed(fresh_url, hasher)
    connection = await connect(fresh_url)
    try:
        await connection.execute("INSERT INTO tags (name) VALUES ('left-over')")
        await connection.execute("INSERT INTO post_tags (post_id, tag_id, position) VALUES (1, 2, 9)")
        await connection.execute("DELETE FROM favorites WHERE user_id = 1")
        await connection.execute("INSERT INTO favorites (user_id, post_id) VALUES (1, 1), (1, 2), (1, 3)")
        taggings = await connection.fetchval("SELECT count(*) FROM post_tags")
        await seed(fresh_url, hasher, force=True)
        assert await connection.fetchval("SELECT max(id) FROM users") == USERS
        assert await counts(connection) == COUNTS
        assert await connection.fetchval("SELECT count(*) FROM tags WHERE name = 'left-over'") == 0
        assert await connection.fetchval("SELECT count(*) FROM post_tags WHERE position = 9") == 0
        assert await connection.fetchval("SELECT count(*) FROM post_tags") == taggings - 1, "the same rows again"
        assert await connection.fetchval("SELECT count(*) FROM favorites WHERE user_id = 1 AND post_id < 4") == 0
    finally:
        await connection.close()


async def test_only_postgres_is_seeded(hasher: Argon2PasswordHasher) -> None:
    with pytest.raises(NotPostgres, match="needs PostgreSQL"):
        await seed_demo_data("sqlite+aiosqlite:///x.db", users=1, force=False, hasher=hasher, progress=print)


def test_the_cli_refuses_a_seeded_database_and_forces_on_request(fresh_url: str) -> None:
    env = {"DATABASE_URL": fresh_url, "ARGON2_MEMORY_COST_KIB": "8", "ARGON2_TIME_COST": "1"}
    assert cli("seed", "--users", "20", "--force", env=env).returncode == 0
    refused = cli("seed", "--users", "20", env=env)
    assert refused.returncode == 1
    assert "already has users" in refused.stderr and "--force" in refused.stderr
    forced = cli("seed", "--users", "20", "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert "seeded 20 users, 60 posts, 60 comments, 209 follows, 60 tags, " in forced.stdout
    assert " post_tags, 100 favorites in " in forced.stdout
    sqlite = cli("seed", "--users", "20", env={"DATABASE_URL": "sqlite+aiosqlite:///./var/never.db"})
    assert sqlite.returncode == 1 and "needs PostgreSQL" in sqlite.stderr


@pytest.mark.parametrize("foreign_keys", ["proven after the load (triggers skipped)", "checked per row"])
async def test_each_tag_counts_its_published_articles_however_the_keys_were_checked(
    fresh_url: str, hasher: Argon2PasswordHasher, foreign_keys: str
) -> None:
    connection = await connect(fresh_url)
    per_row = foreign_keys == "checked per row"
    try:
        if per_row:  # a trigger of someone else's, which a load must not skip
            await connection.execute(
                "CREATE FUNCTION someone_elses() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"
            )
            await connection.execute(
                "CREATE TRIGGER someone_elses AFTER INSERT ON comments FOR EACH ROW EXECUTE FUNCTION someone_elses()"
            )
        report = await seed_demo_data(fresh_url, users=USERS, force=True, hasher=hasher, progress=lambda _line: None)
        assert report.foreign_keys == foreign_keys
        counts = await connection.fetch(TAG_COUNTS)
        assert [row["articles"] for row in counts] == [row["counted"] for row in counts]
        assert counts[0]["articles"] > 0
        enabled = await connection.fetchval(
            "SELECT count(*) FROM pg_trigger WHERE tgenabled = 'O'"
            " AND tgname IN ('count_tagging', 'count_publishing', 'untag_deleted_post')"
        )
        assert enabled == 3, "the counting triggers are on again"
    finally:
        if per_row:
            await connection.execute("DROP TRIGGER someone_elses ON comments; DROP FUNCTION someone_elses()")
        await connection.close()
