"""Migrations: up, down and up again on SQLite and PostgreSQL, and a migrated schema
that matches the metadata the adapter maps (autogenerate finds nothing to do)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy.tables import metadata
from tests.conftest import IN_CI, run_in_thread
from tests.databases import PostgresUnavailable, alembic_config, create_postgres_database, drop_postgres_database

T = TypeVar("T")
TABLES = {"users", "posts", "access_tokens"}


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, never migrated."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    try:
        url = run_in_thread(create_postgres_database("inkwell_migrations"))
    except PostgresUnavailable as error:
        if IN_CI:
            pytest.fail(f"CI=true and {error}", pytrace=False)
        pytest.skip(f"!!! POSTGRESQL TESTS SKIPPED: {error}")
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


def index_names(connection: Connection) -> set[str]:
    """Read from the catalogue: the inspector skips SQLite's expression indexes."""
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'users'"
    return set(connection.exec_driver_sql(query).scalars())


def test_upgrade_downgrade_upgrade(fresh_url: str) -> None:
    alembic(fresh_url, command.upgrade, "head")
    assert on_connection(fresh_url, table_names) == TABLES
    alembic(fresh_url, command.downgrade, "base")
    assert on_connection(fresh_url, table_names) == set()
    alembic(fresh_url, command.upgrade, "head")
    assert on_connection(fresh_url, table_names) == TABLES


def test_migrated_schema_matches_the_metadata(fresh_url: str) -> None:
    alembic(fresh_url, command.upgrade, "head")
    assert on_connection(fresh_url, schema_differences) == []
    assert {"uq_users_email_lower", "uq_users_username", "ix_users_is_active_created_at"} <= on_connection(
        fresh_url, index_names
    )
