"""Waiting for the database, and a running container for commands outside the server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from dependency_injector import providers

from application.ports.database import Database
from entrypoints.container import Container
from entrypoints.settings import Settings

logger = logging.getLogger("inkwell")


class DatabaseUnreachable(RuntimeError):
    """Start-up gave up on the database."""


async def wait_for_database(database: Database, attempts: int, first_pause: float = 0.5) -> None:
    """Ping until the database answers; after ``attempts`` failures, raise with the last reason."""
    pause = first_pause
    for attempt in range(1, attempts + 1):
        try:
            await database.ping()
            return
        except Exception as error:  # whatever the driver raises, retry, then report it
            if attempt == attempts:
                raise DatabaseUnreachable(f"database unreachable after {attempts} attempts: {error!r}") from error
            logger.warning("database not ready (attempt %d/%d): %r", attempt, attempts, error)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)


async def wait_for_url(database_url: str, attempts: int) -> None:
    """``wait_for_database`` on a database given by its URL only (before migrating it)."""
    from adapters.sqlalchemy.database import SqlAlchemyDatabase

    database = SqlAlchemyDatabase(database_url, application_name="inkwell-cli")
    try:
        await wait_for_database(database, attempts)
    finally:
        await database.dispose()


@asynccontextmanager
async def running_container(settings: Settings) -> AsyncIterator[Container]:
    """A container on ``settings`` for one command; its database and hasher stop at exit."""
    container = Container()
    container.settings.override(providers.Object(settings))
    try:
        yield container
    finally:
        await container.database().dispose()
        await asyncio.to_thread(container.shutdown_resources)
