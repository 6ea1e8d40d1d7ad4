"""``seed`` on a fresh migrated PostgreSQL database: the rows it promises, the demo
password, refusal of a database with users, ``--force``, and a schema left as it was."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.seed.postgres import DEMO_PASSWORD, DatabaseNotEmpty, NotPostgres, seed_demo_data
from tests.conftest import migrated_postgres_database
from tests.integration.test_entrypoints import cli

pytestmark = pytest.mark.postgres
USERS = 200
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
        counts = {
            table: await connection.fetchval(f"SELECT count(*) FROM {table}")
            for table in ("users", "posts", "comments", "follows")
        }
        assert counts == {"users": USERS, "posts": 3 * USERS, "comments": 3 * USERS, "follows": 10 * USERS}
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


async def test_sequences_continue_past_the_seeded_ids(fresh_url: str, hasher: Argon2PasswordHasher) -> None:
    await seed(fresh_url, hasher, force=True)
    connection = await connect(fresh_url)
    try:
        user = await connection.fetchval(
            "INSERT INTO users (email, username, hashed_password) VALUES ('new@example.com', 'new', 'h') RETURNING id"
        )
        post = await connection.fetchval(
            "INSERT INTO posts (title, content, author_id) VALUES ('t', 'c', $1) RETURNING id", user
        )
        comment = await connection.fetchval(
            "INSERT INTO comments (post_id, author_id, content) VALUES ($1, $2, 'c') RETURNING id", post, user
        )
        follow = await connection.fetchval(
            "INSERT INTO follows (follower_id, followee_id) VALUES ($1, 1) RETURNING id", user
        )
    finally:
        await connection.close()
    assert (user, post, comment, follow) == (USERS + 1, 3 * USERS + 1, 3 * USERS + 1, 10 * USERS + 1)


async def test_a_database_with_users_is_refused_unless_forced(fresh_url: str, hasher: Argon2PasswordHasher) -> None:
    await seed(fresh_url, hasher, force=True)
    with pytest.raises(DatabaseNotEmpty):
        await seed(fresh_url, hasher)
    await seed(fresh_url, hasher, force=True)
    connection = await connect(fresh_url)
    try:
        assert await connection.fetchval("SELECT max(id) FROM users") == USERS
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
    assert "seeded 20 users, 60 posts, 60 comments, 200 follows" in forced.stdout
    sqlite = cli("seed", "--users", "20", env={"DATABASE_URL": "sqlite+aiosqlite:///./var/never.db"})
    assert sqlite.returncode == 1 and "needs PostgreSQL" in sqlite.stderr
