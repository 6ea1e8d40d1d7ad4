"""The SQL adapter names the store's failures where they arise, from real failures of real
servers: a terminated backend, a concurrent delete, a locked SQLite file, a server that
refuses connections."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.database import PoolSettings, SqlAlchemyDatabase
from adapters.sqlalchemy.errors import storage_error
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.errors import (
    ConcurrentChange,
    ConnectionLost,
    PostNotFound,
    StorageUnavailable,
    UserNotFound,
)
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.users import User
from tests.conftest import database_url, people
from tests.databases import ADMIN_URL
from tests.fakes import ManualClock
from tests.pg_cluster import free_port


@pytest.fixture
async def postgres(request: pytest.FixtureRequest) -> AsyncIterator[SqlAlchemyDatabase]:
    db = SqlAlchemyDatabase(await database_url(request, "postgres"), pool=PoolSettings(size=3, max_overflow=3))
    yield db
    await db.dispose()


def unit(database: SqlAlchemyDatabase) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(database)


async def backend_pid(uow: UnitOfWork) -> int:
    assert isinstance(uow, SqlAlchemyUnitOfWork)
    session = uow._session  # the test looks inside on purpose: it kills this very connection
    return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def terminate(pid: int) -> None:
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    await asyncio.sleep(0.1)  # let the server finish it


async def count(database: SqlAlchemyDatabase, table: str) -> int:
    async with database.read_one() as connection:
        return int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


@pytest.mark.postgres
async def test_a_unit_of_work_whose_connection_dies_before_commit_runs_again(
    postgres: SqlAlchemyDatabase, clock: ManualClock
) -> None:
    attempts: list[int] = []

    async def register(uow: UnitOfWork) -> None:
        attempts.append(await backend_pid(uow))
        user = User.register(
            email="ann@example.com", username="ann", hashed_password="h", full_name=None, now=clock.now()
        )
        await uow.users.add(user)
        if len(attempts) == 1:
            await terminate(attempts[0])
        await uow.users.add(
            User.register(email="bob@example.com", username="bob", hashed_password="h", full_name=None, now=clock.now())
        )
        await uow.commit()

    await in_transaction(lambda: unit(postgres), register)
    assert len(attempts) == 2 and attempts[0] != attempts[1], "the second attempt ran on a fresh connection"
    assert await count(postgres, "users") == 2, "ann once, bob once"


@pytest.mark.postgres
async def test_a_commit_whose_connection_broke_is_looked_up_and_run_again_only_if_it_was_aborted(
    postgres: SqlAlchemyDatabase, clock: ManualClock
) -> None:
    attempts: list[int] = []

    async def register(uow: UnitOfWork) -> None:
        attempts.append(await backend_pid(uow))
        await uow.users.add(
            User.register(email="ann@example.com", username="ann", hashed_password="h", full_name=None, now=clock.now())
        )
        if len(attempts) == 1:
            await terminate(attempts[0])  # nothing is pending: only COMMIT is left to send
        await uow.commit()

    await in_transaction(lambda: unit(postgres), register)
    assert len(attempts) == 2, "the server said the first transaction was aborted"
    assert await count(postgres, "users") == 1


async def transaction_id(database: SqlAlchemyDatabase, *, commit: bool) -> str:
    async with unit(database) as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        await uow._session.execute(
            text("INSERT INTO users (email, username, hashed_password) VALUES ('x@y.z', 'x', 'h')")
        )
        found = await uow._transaction_id()
        if commit:
            await uow.commit()
    assert found is not None
    return found


@pytest.mark.postgres
async def test_the_outcome_of_a_commit_is_what_the_server_says(postgres: SqlAlchemyDatabase) -> None:
    aborted = await transaction_id(postgres, commit=False)
    committed = await transaction_id(postgres, commit=True)
    assert await postgres.commit_outcome(committed) is True
    assert await postgres.commit_outcome(aborted) is False
    assert await postgres.commit_outcome(str(int(committed) + 1_000_000)) is None, "a transaction not yet begun"


async def test_a_commit_outcome_nobody_can_ask_for_is_unknown() -> None:
    database = SqlAlchemyDatabase(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere")
    try:
        assert await database.commit_outcome("1234") is None
    finally:
        await database.dispose()


@pytest.mark.postgres
async def test_rows_deleted_under_a_unit_of_work_are_not_found(
    postgres: SqlAlchemyDatabase, clock: ManualClock
) -> None:
    """The foreign key that a concurrent delete broke names what is missing."""
    fan, star = await people(lambda: unit(postgres), clock, "fan", "star")
    async with unit(postgres) as uow:
        post = Post.write(author_id=star, title="t", content="c", published=True, now=clock.now())
        await uow.posts.add(post)
        await uow.commit()
    assert post.id is not None

    with pytest.raises(UserNotFound):
        async with unit(postgres) as uow:
            assert await uow.users.get(star) is not None
            async with unit(postgres) as other:
                assert await other.posts.delete(post.id)
                assert await other.users.delete(star)
                await other.commit()
            await uow.follows.add(Follow.link(follower_id=fan, followee_id=star, now=clock.now()))

    with pytest.raises(PostNotFound):
        async with unit(postgres) as uow:
            await uow.comments.add(Comment.write(post_id=post.id, author_id=fan, content="hi", now=clock.now()))
    assert (await count(postgres, "follows"), await count(postgres, "comments")) == (0, 0)


@pytest.mark.postgres
async def test_an_update_of_a_row_deleted_meanwhile_runs_again_and_finds_it_gone(
    postgres: SqlAlchemyDatabase, clock: ManualClock
) -> None:
    (ann,) = await people(lambda: unit(postgres), clock, "ann")
    attempts = 0

    async def rename(uow: UnitOfWork) -> None:
        nonlocal attempts
        attempts += 1
        user = await uow.users.get(ann)
        if user is None:
            raise UserNotFound()
        if attempts == 1:
            async with unit(postgres) as other:
                assert await other.users.delete(ann)
                await other.commit()
        user.change_username("anne", clock.now())
        await uow.commit()

    with pytest.raises(UserNotFound):
        await in_transaction(lambda: unit(postgres), rename)
    assert attempts == 2


@pytest.mark.postgres
async def test_a_serialization_failure_is_a_concurrent_change(postgres: SqlAlchemyDatabase, clock: ManualClock) -> None:
    (ann,) = await people(lambda: unit(postgres), clock, "ann")
    engine = postgres.engine.execution_options(isolation_level="SERIALIZABLE")
    async with engine.connect() as first, engine.connect() as second:
        await first.execute(text("SELECT full_name FROM users WHERE id = :id"), {"id": ann})
        await second.execute(text("UPDATE users SET full_name = 'B' WHERE id = :id"), {"id": ann})
        await second.commit()
        with pytest.raises(DBAPIError) as raised:
            await first.execute(text("UPDATE users SET full_name = 'A' WHERE id = :id"), {"id": ann})
    assert isinstance(storage_error(raised.value), ConcurrentChange)


@pytest.mark.postgres
async def test_a_server_that_refuses_connections_is_a_lost_connection() -> None:
    database = SqlAlchemyDatabase(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere")
    try:
        with pytest.raises(ConnectionLost):
            await database.ping()
    finally:
        await database.dispose()


async def test_a_locked_sqlite_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError) as raised:
            waiter.execute("BEGIN IMMEDIATE")
    finally:
        waiter.close()
        holder.close()
    named = storage_error(raised.value)
    assert isinstance(named, StorageUnavailable) and not isinstance(named, ConnectionLost)


@pytest.mark.postgres
async def test_a_server_turned_read_only_is_a_lost_connection_and_its_connections_are_thrown_away(
    request: pytest.FixtureRequest, clock: ManualClock
) -> None:
    """After a failover, a pooled connection may reach the old primary come back as a
    standby: every write there fails with SQLSTATE 25006. That is the server's state, not
    the client's mistake: the write is a lost connection (503, safe to run again on a fresh
    connection), and the pool throws such connections away."""
    database = SqlAlchemyDatabase(await database_url(request, "postgres"), pool=PoolSettings(size=2, max_overflow=0))

    def read_only(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.run_async(lambda driver: driver.execute("SET default_transaction_read_only = on"))

    event.listen(database.engine.sync_engine, "connect", read_only)
    try:
        with pytest.raises(ConnectionLost):
            await people(lambda: unit(database), clock, "ann")
        assert database.pool_status().invalidations >= 1
    finally:
        await database.dispose()
