"""Throw-away databases for a test run: a migrated SQLite file and, when the server is
reachable, a PostgreSQL database created for the run and dropped after it."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy.database import SqlAlchemyDatabase

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("INKWELL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TABLES = ("favorites", "post_tags", "tags", "follows", "comments", "access_tokens", "posts", "users")


def alembic_config() -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    return config


def _upgrade(connection: Connection, revision: str = "head") -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def migrate(url: str) -> None:
    """Apply every migration to the database at ``url``."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    finally:
        await engine.dispose()


TAG_COUNTS = """
SELECT tags.name, tags.articles,
       (SELECT count(*) FROM post_tags JOIN posts ON posts.id = post_tags.post_id
        WHERE post_tags.tag_id = tags.id AND posts.published) AS counted
FROM tags ORDER BY tags.id
"""
"""Each tag's name, its kept count of articles, and that count made anew from the taggings."""

# Every sequence of the schema back to 1, as TRUNCATE ... RESTART IDENTITY would.
_RESTART_SEQUENCES = (
    "SELECT setval(oid::regclass, 1, false) FROM pg_class"
    " WHERE relkind = 'S' AND relnamespace = current_schema()::regnamespace"
)


async def empty_tables(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE's new files for
            # every table cost 55-70 ms a test here, against 10 for DELETE and the sequences.
            for table in TABLES:
                await connection.execute(text(f"DELETE FROM {table}"))
            if connection.dialect.name == "postgresql":
                await connection.execute(text(_RESTART_SEQUENCES))
    finally:
        await engine.dispose()


class PostgresUnavailable(Exception):
    pass


async def create_postgres_database(prefix: str = "inkwell_test") -> str:
    """Create an empty database on the local server for this run; return its URL."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = await asyncpg.connect(ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        raise PostgresUnavailable(f"PostgreSQL at {ADMIN_URL} is unreachable: {error!r}") from error
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def recorded_statements(database: SqlAlchemyDatabase, *kinds: str) -> AsyncIterator[list[str]]:
    """The statements ``database`` sends inside the block, upper-cased with white space
    collapsed; only those starting with one of ``kinds`` (e.g. ``"SELECT"``) when given.

    Both paths are heard: SQLAlchemy's execution (its cursor events) and, on PostgreSQL, the
    readers' statements that asyncpg runs itself (asyncpg's query logger on every connection
    checked out meanwhile)."""
    statements: list[str] = []

    def record(statement: str) -> None:
        normalized = " ".join(statement.split()).upper()
        if not kinds or normalized.startswith(kinds):
            statements.append(normalized)

    def on_cursor(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        record(statement)

    def on_query(logged: Any) -> None:
        record(logged.query)

    drivers: list[Any] = []

    def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(on_query)
        drivers.append(dbapi_connection.driver_connection)

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_cursor)
    if not database.is_sqlite:
        event.listen(engine, "checkout", on_checkout)
    try:
        yield statements
        await asyncio.sleep(0)  # asyncpg calls its query loggers soon after each query
    finally:
        event.remove(engine, "before_cursor_execute", on_cursor)
        if not database.is_sqlite:
            event.remove(engine, "checkout", on_checkout)
        for driver in drivers:
            driver.remove_query_logger(on_query)
