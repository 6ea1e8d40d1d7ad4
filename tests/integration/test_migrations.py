"""Migrations: up, down and up again on SQLite and PostgreSQL, and a migrated schema
that matches the metadata the adapter maps (autogenerate finds nothing to do)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy.tables import metadata
from tests.conftest import run_in_thread, skip_unless_ci
from tests.databases import PostgresUnavailable, alembic_config, create_postgres_database, drop_postgres_database

T = TypeVar("T")
TABLES = {"users", "posts", "access_tokens", "comments", "follows", "tags", "post_tags", "favorites"}


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, never migrated."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    try:
        url = run_in_thread(create_postgres_database("inkwell_migrations"))
    except PostgresUnavailable as error:
        skip_unless_ci(str(error))
    yield url
    run_in_thread(drop_postgres_database(url))


def alembic(url: str, action: Callable[..., None], revision: str) -> None:
    """Run an alembic command as the CLI does. env.py starts its own event loop, so it
    runs on a thread that has none."""
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", url)
    with ThreadPoolExecutor(max_workers=1) as executor:
        executor.submit(action, config, revision).result()


def on_connection(url: str, look: Callable[[Connection], T]) -> T:
    async def run() -> T:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(look)
        finally:
            await engine.dispose()

    return run_in_thread(run())


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def schema_differences(connection: Connection) -> list[Any]:
    with warnings.catch_warnings():
        # SQLite cannot reflect expression indexes (lower(email)); checked by name below.
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def index_names(connection: Connection, table: str = "users") -> set[str]:
    """Read from the catalogue: the inspector skips SQLite's expression indexes."""
    if connection.dialect.name == "sqlite":
        query = f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}'"
    else:
        query = f"SELECT indexname FROM pg_indexes WHERE tablename = '{table}'"
    return set(connection.exec_driver_sql(query).scalars())


def every_index_name(connection: Connection) -> set[str]:
    return set().union(*(index_names(connection, table) for table in TABLES))


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def test_stairway_up_down_up_through_every_revision(fresh_url: str) -> None:
    for revision in revisions():
        alembic(fresh_url, command.upgrade, revision)
        alembic(fresh_url, command.downgrade, "-1")
        alembic(fresh_url, command.upgrade, revision)
    assert on_connection(fresh_url, table_names) == TABLES
    alembic(fresh_url, command.downgrade, "base")
    assert on_connection(fresh_url, table_names) == set()
    alembic(fresh_url, command.upgrade, "head")
    assert on_connection(fresh_url, table_names) == TABLES


def unindexed_foreign_keys(connection: Connection) -> list[str]:
    """Foreign key columns that no index leads with (a cascade would scan the table)."""
    inspector = inspect(connection)
    missing = []
    for table in table_names(connection):
        leading = {index["column_names"][0] for index in inspector.get_indexes(table) if index["column_names"]}
        leading |= {u["column_names"][0] for u in inspector.get_unique_constraints(table)}
        leading |= set(inspector.get_pk_constraint(table)["constrained_columns"][:1])
        for foreign_key in inspector.get_foreign_keys(table):
            column = foreign_key["constrained_columns"][0]
            if column not in leading:
                missing.append(f"{table}.{column}")
    return missing


def test_every_foreign_key_is_indexed(fresh_url: str) -> None:
    alembic(fresh_url, command.upgrade, "head")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        assert on_connection(fresh_url, unindexed_foreign_keys) == []


def test_migrated_schema_matches_the_metadata(fresh_url: str) -> None:
    alembic(fresh_url, command.upgrade, "head")
    assert on_connection(fresh_url, schema_differences) == []
    assert {"uq_users_email_lower", "uq_users_username"} <= on_connection(fresh_url, index_names)


KEYSET_INDEXES = {
    "ix_posts_author_id_id",
    "ix_comments_post_id_id",
    "ix_follows_followee_id_follower_id",
    "ix_posts_published_id",
}  # and whom a user follows: the unique constraint on (follower_id, followee_id)
TRIGRAM_INDEXES = {"ix_users_email_lower_trgm", "ix_users_username_lower_trgm", "ix_users_full_name_lower_trgm"}
REDUNDANT_INDEXES = {
    "ix_posts_author_id",
    "ix_comments_post_id",
    "ix_follows_followee_id",
    "ix_users_is_active_created_at",
}


def test_every_list_has_its_index_and_the_search_its_trigram_indexes_on_postgresql_only(fresh_url: str) -> None:
    alembic(fresh_url, command.upgrade, "head")
    names = on_connection(fresh_url, every_index_name)
    on_postgresql = fresh_url.startswith("postgresql")
    assert names >= KEYSET_INDEXES
    assert names & TRIGRAM_INDEXES == (TRIGRAM_INDEXES if on_postgresql else set())
    assert names & REDUNDANT_INDEXES == set()
    alembic(fresh_url, command.downgrade, "0002")
    assert on_connection(fresh_url, every_index_name) >= REDUNDANT_INDEXES


def test_existing_posts_get_unique_slugs_from_their_titles(fresh_url: str) -> None:
    alembic(fresh_url, command.upgrade, "0003")

    def write_posts(connection: Connection) -> None:
        connection.execute(
            text("INSERT INTO users (id, email, username, hashed_password) VALUES (1, 'a@example.com', 'a', 'x')")
        )
        for post_id, title in enumerate(["Hello, World!", "hello world", "Hello World 2", "!!!", "Hello World"], 1):
            connection.execute(
                text("INSERT INTO posts (id, title, content, author_id) VALUES (:id, :title, 'body', 1)"),
                {"id": post_id, "title": title},
            )
        connection.commit()

    on_connection(fresh_url, write_posts)
    alembic(fresh_url, command.upgrade, "head")

    def slugs(connection: Connection) -> list[str]:
        return list(connection.execute(text("SELECT slug FROM posts ORDER BY id")).scalars())

    assert on_connection(fresh_url, slugs) == [
        "hello-world",
        "hello-world-2",
        "hello-world-2-3",
        "post",
        "hello-world-5",
    ]


def test_a_post_written_without_a_slug_gets_a_random_unique_one(fresh_url: str) -> None:
    alembic(fresh_url, command.upgrade, "head")

    def write_posts(connection: Connection) -> list[str]:
        connection.execute(
            text("INSERT INTO users (id, email, username, hashed_password) VALUES (1, 'a@example.com', 'a', 'x')")
        )
        for post_id in range(1, 4):
            connection.execute(
                text("INSERT INTO posts (id, title, content, author_id) VALUES (:id, 'Same', 'body', 1)"),
                {"id": post_id},
            )
        connection.commit()
        return list(connection.execute(text("SELECT slug FROM posts ORDER BY id")).scalars())

    slugs = on_connection(fresh_url, write_posts)
    assert len(set(slugs)) == 3
    assert all(re.fullmatch(r"post-[0-9a-f]{16}", slug) for slug in slugs), slugs


def test_tags_get_their_counts_of_articles_from_the_taggings_already_there(fresh_url: str) -> None:
    alembic(fresh_url, command.upgrade, "0006")

    def tag_posts(connection: Connection) -> None:
        connection.execute(
            text("INSERT INTO users (id, email, username, hashed_password) VALUES (1, 'a@example.com', 'a', 'x')")
        )
        for post_id, published in ((1, True), (2, True), (3, False)):
            connection.execute(
                text("INSERT INTO posts (id, title, content, author_id, published) VALUES (:id, 'T', 'b', 1, :on)"),
                {"id": post_id, "on": published},
            )
        connection.execute(
            text("INSERT INTO tags (id, name) VALUES (1, 'both'), (2, 'one'), (3, 'draft'), (4, 'none')")
        )
        for post_id, tag_id in ((1, 1), (2, 1), (1, 2), (3, 2), (3, 3)):
            connection.execute(
                text("INSERT INTO post_tags (post_id, tag_id, position) VALUES (:post_id, :tag_id, 0)"),
                {"post_id": post_id, "tag_id": tag_id},
            )
        connection.commit()

    on_connection(fresh_url, tag_posts)
    alembic(fresh_url, command.upgrade, "0007")

    def counts(connection: Connection) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in connection.execute(text("SELECT name, articles FROM tags ORDER BY id"))]

    assert on_connection(fresh_url, counts) == [("both", 2), ("one", 1), ("draft", 0), ("none", 0)]
