"""Alembic environment: async engines, the adapter's metadata, SQLite batch mode.

The URL comes from ``-x url=...``, the config's ``sqlalchemy.url``, or ``DATABASE_URL``.
A caller that already holds a connection (the tests) passes it in
``config.attributes["connection"]`` and it is used as it is.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy.tables import metadata

DEFAULT_URL = "sqlite+aiosqlite:///./var/inkwell.db"

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return (
        context.get_x_argument(as_dictionary=True).get("url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_URL
    )


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _ensure_sqlite_directory(url: str) -> None:
    if url.startswith("sqlite") and ":memory:" not in url:
        path = url.split("///", 1)[-1]
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)


async def _run_online(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (shared := config.attributes.get("connection")) is not None:
    _run(shared)
else:
    _ensure_sqlite_directory(_url())
    asyncio.run(_run_online(_url()))
