"""Shared fixtures. Backends: ``memory`` (the fakes), ``sqlite`` and ``postgres``; the
end-to-end suite adds ``pgbouncer``, the same PostgreSQL database through a PgBouncer in
transaction pooling mode.

PostgreSQL tests run against a database created for this run and dropped after it.
When the server (or pgbouncer) is unavailable they are skipped with the reason, except
with ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from adapters.memory.article_readers import InMemoryArticleReader, InMemoryAuthorReader
from adapters.memory.readers import InMemoryCredentialsReader, InMemoryPostReader, InMemoryUserReader
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.article_readers import SqlAlchemyArticleReader, SqlAlchemyAuthorReader
from adapters.sqlalchemy.database import PoolSettings, SqlAlchemyDatabase
from adapters.sqlalchemy.readers import SqlAlchemyCredentialsReader, SqlAlchemyPostReader, SqlAlchemyUserReader
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.auth import Actor
from application.ports.database import Database
from application.ports.readers import ArticleReader, AuthorReader, CredentialsReader, PostReader, UserReader
from application.ports.unit_of_work import UnitOfWork
from domain.users import User
from tests.databases import (
    PostgresUnavailable,
    create_postgres_database,
    drop_postgres_database,
    empty_tables,
    migrate,
)
from tests.fakes import ManualClock, cheap_argon2
from tests.pgbouncer import PgBouncer
from tests.pgbouncer import available as pgbouncer_unavailable

BACKENDS = ("memory", "sqlite", "postgres")
SQL_BACKENDS = ("sqlite", "postgres")
# Backends reached through a proxy, and the backend that holds their data.
PROXIED = {"pgbouncer": "postgres"}
IN_CI = os.environ.get("CI", "").lower() == "true"
# A superuser looking, for reads that mean "everything stored": sees every post, drafts
# included. No row needs to exist for it, and no post has its id as author.
SUPERUSER_VIEWER = Actor(id=2**31 - 1, is_superuser=True)
T = TypeVar("T")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="session")
def hasher() -> Iterator[Argon2PasswordHasher]:
    hasher = cheap_argon2()
    yield hasher
    hasher.close()


def run_in_thread(coroutine: Coroutine[object, object, T]) -> T:
    """Run set-up work on its own event loop, so a sync fixture may do it whenever it is
    first asked for, even from inside an async fixture."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("sqlite") / "inkwell.db"
    url = f"sqlite+aiosqlite:///{path}"
    run_in_thread(migrate(url))
    return url


def skip_unless_ci(reason: str) -> None:
    """A test that cannot run here is skipped loudly, except on CI, where it fails."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(f"!!! SKIPPED: {reason}")


def migrated_postgres_database(prefix: str = "inkwell_test") -> Iterator[str]:
    """For a fixture: a migrated PostgreSQL database of its own, dropped after it (skipped
    when the server is unavailable, except in CI)."""
    try:
        url = run_in_thread(create_postgres_database(prefix))
    except PostgresUnavailable as error:
        skip_unless_ci(str(error))
    try:
        run_in_thread(migrate(url))
        yield url
    finally:
        run_in_thread(drop_postgres_database(url))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    yield from migrated_postgres_database()


@pytest.fixture(scope="session")
def pgbouncer(postgres_url: str) -> Iterator[PgBouncer]:
    """A PgBouncer in transaction pooling mode in front of the run's PostgreSQL database."""
    reason = pgbouncer_unavailable()
    if reason:
        skip_unless_ci(reason)
    bouncer = PgBouncer(postgres_url)
    bouncer.start()
    try:
        yield bouncer
    finally:
        bouncer.stop()


@pytest.fixture(scope="session")
def pgbouncer_url(pgbouncer: PgBouncer, postgres_url: str) -> str:
    return pgbouncer.url(postgres_url.rsplit("/", 1)[1])


async def database_url(request: pytest.FixtureRequest, name: str) -> str:
    """The migrated, emptied database of one SQL backend."""
    url: str = request.getfixturevalue(f"{name}_url")
    # Emptied on the server itself: a plain engine's named statements do not survive a
    # transaction-mode proxy.
    await empty_tables(request.getfixturevalue(f"{PROXIED[name]}_url") if name in PROXIED else url)
    return url


@dataclass
class Backend:
    """One persistence adapter, wired: what a use case needs from it."""

    name: str
    database: Database
    uow: Callable[[], UnitOfWork]
    users: UserReader
    posts: PostReader
    credentials: CredentialsReader
    articles: ArticleReader
    authors: AuthorReader


def memory_backend() -> Backend:
    store = InMemoryStore()
    return Backend(
        "memory",
        store,
        lambda: InMemoryUnitOfWork(store),
        InMemoryUserReader(store),
        InMemoryPostReader(store),
        InMemoryCredentialsReader(store),
        InMemoryArticleReader(store),
        InMemoryAuthorReader(store),
    )


def sql_backend(name: str, url: str) -> Backend:
    db = SqlAlchemyDatabase(url, pool=PoolSettings(size=5, max_overflow=5, timeout=10))
    return Backend(
        name,
        db,
        lambda: SqlAlchemyUnitOfWork(db),
        SqlAlchemyUserReader(db),
        SqlAlchemyPostReader(db),
        SqlAlchemyCredentialsReader(db),
        SqlAlchemyArticleReader(db),
        SqlAlchemyAuthorReader(db),
    )


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    if request.param == "memory":
        yield memory_backend()
        return
    wired = sql_backend(request.param, await database_url(request, request.param))
    yield wired
    await wired.database.dispose()


@pytest.fixture(params=SQL_BACKENDS)
async def sql_url(request: pytest.FixtureRequest) -> str:
    """An emptied, migrated database URL of each SQL backend."""
    return await database_url(request, request.param)


async def people(uow: Callable[[], UnitOfWork], clock: ManualClock, *names: str, full_names: bool = False) -> list[int]:
    """Register ``names`` in one unit of work (email ``<name>@example.com``; full name
    ``Name`` when ``full_names``); return their ids in order."""
    ids = []
    async with uow() as unit:
        for name in names:
            user = User.register(
                email=f"{name}@example.com",
                username=name,
                hashed_password="h",
                full_name=name.title() if full_names else None,
                now=clock.now(),
            )
            await unit.users.add(user)
            assert user.id is not None
            ids.append(user.id)
        await unit.commit()
    return ids
