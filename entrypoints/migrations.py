"""The schema's migrations, run from the installed package: alembic is configured here, with
``migrations`` found through importlib.resources, so a wheel installed anywhere migrates
without the checkout's alembic.ini."""

from __future__ import annotations

import asyncio
import logging.config
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from entrypoints.logs import log_config


def _config(database_url: str | None = None) -> Config:
    logging.config.dictConfig(log_config("console"))  # alembic says what it runs
    config = Config()
    config.set_main_option("script_location", str(files("migrations")))
    if database_url is not None:
        # The options are ConfigParser values: a % (an escaped password) must be doubled.
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head", *, attempts: int = 1) -> None:
    """Upgrade to ``revision``, once the database answers (``attempts`` pings)."""
    from entrypoints.startup import wait_for_url

    asyncio.run(wait_for_url(database_url, attempts))
    command.upgrade(_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(_config(database_url), revision)


def current(database_url: str) -> str | None:
    """The revision the database is at; None for a database no migration has touched."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async def ask() -> str | None:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await engine.dispose()

    return asyncio.run(ask())


def history() -> list[str]:
    """One line per revision, newest first: ``rev (head): message``."""
    script = ScriptDirectory.from_config(_config())
    heads = set(script.get_heads())
    return [
        f"{revision.revision}{' (head)' if revision.revision in heads else ''}: {revision.doc}"
        for revision in script.walk_revisions()
    ]
