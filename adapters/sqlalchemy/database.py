"""Engines, sessions and read connections for PostgreSQL (asyncpg) and SQLite (aiosqlite)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import QueuePool
from sqlalchemy.util import greenlet_spawn

from adapters.sqlalchemy.errors import storage_error, storage_errors
from adapters.sqlalchemy.fair_gate import FairGate
from adapters.sqlalchemy.mappers import start_mappers
from adapters.sqlalchemy.rows import CoreRows, DriverRows, Rows, Statements
from application.errors import ConnectionLost
from application.ports.database import Database
from application.views import PoolStatus
from domain.text import fold_case

_WRITES = "inkwell_writes"
COMMIT_OUTCOME_WAIT_SECONDS = 1.0
logger = logging.getLogger("inkwell.database")


@dataclass(frozen=True, kw_only=True)
class PoolSettings:
    size: int = 10
    max_overflow: int = 0
    timeout: float = 30.0
    recycle: int = 1800
    pre_ping: bool = False
    """Also ask the server (BEGIN; SELECT; ROLLBACK) at every checkout. Off: a connection
    whose socket the server closed is replaced anyway, without a round trip."""
    statement_timeout_ms: int | None = None
    """PostgreSQL only: bounds every statement, set with SET LOCAL per transaction."""
    pgbouncer: bool = False
    """PostgreSQL only: the URL points at PgBouncer in transaction pooling mode."""


class SqlAlchemyDatabase(Database):
    """Owns the engine. Units of work get sessions; readers get short-lived connections.
    Every use of a connection first passes the ``FairGate``: first come, first served.

    - Writes: a session per unit of work, ``expire_on_commit=False``; on SQLite its
      transaction starts with ``BEGIN IMMEDIATE`` so writers queue on the busy timeout
      instead of failing when two of them upgrade read locks.
    - Single-statement reads on PostgreSQL run in autocommit: no BEGIN/ROLLBACK round trips.
    - Multi-statement reads run in one READ ONLY, REPEATABLE READ transaction on PostgreSQL
      (one snapshot, no half-seen change); SQLite in WAL mode gives a snapshot per transaction.
    """

    def __init__(
        self,
        url: str | URL,
        *,
        pool: PoolSettings | None = None,
        echo: bool = False,
        application_name: str = "inkwell",
    ) -> None:
        start_mappers()
        self.url = make_url(url)
        pool = pool or PoolSettings()
        self.engine = _create_engine(self.url, pool, echo, application_name)
        self.gate = FairGate(pool.size + pool.max_overflow, pool.timeout)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self._statements = Statements(self.engine.dialect)
        self._statement_timeout_sql: str | None = None
        self._counters = _PoolCounters()
        self._counters.listen(self.engine)
        if self.is_sqlite:
            _install_sqlite_hooks(self.engine)
            self._single_read_engine = self._consistent_read_engine = self.engine
        else:
            _replace_closed_connections_at_checkout(self.engine)
            _invalidate_lost_connections(self.engine)
            self._consistent_read_engine = self.engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            if pool.statement_timeout_ms:
                self._statement_timeout_sql = _statement_timeout_sql(pool.statement_timeout_ms)
                _install_statement_timeout(self.engine, self._statement_timeout_sql)
                # SET LOCAL needs a transaction: single reads give up autocommit for it.
                self._single_read_engine = self.engine.execution_options(postgresql_readonly=True)
            else:
                self._single_read_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        # No autoflush: pending changes are flushed where a repository asks (add, delete) and
        # at commit, both of which turn constraint violations into application errors. An
        # autoflush inside some unrelated query would raise the raw IntegrityError instead.
        self.session_factory: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine.execution_options(**{_WRITES: True}), expire_on_commit=False, autoflush=False
        )

    @asynccontextmanager
    async def read_one(self) -> AsyncIterator[AsyncConnection]:
        """A connection for a read of one statement. The store's failures in the block
        surface as application errors (``ConnectionLost``, ``StorageTimeout`` ...)."""
        with storage_errors():
            async with self.gate.slot(), self._single_read_engine.connect() as connection:
                yield connection

    @asynccontextmanager
    async def read_consistent(self) -> AsyncIterator[AsyncConnection]:
        """A connection whose statements all see the same committed state; failures as
        for ``read_one``."""
        with storage_errors():
            async with self.gate.slot(), self._consistent_read_engine.connect() as connection:
                yield connection

    @asynccontextmanager
    async def rows(self, *, consistent: bool = False) -> AsyncIterator[Rows]:
        """Where readers run their statements: one statement, or (``consistent``) several
        that all see the same committed state. Failures as for ``read_one``."""
        if self.is_sqlite:
            async with self.read_consistent() if consistent else self.read_one() as connection:
                yield CoreRows(connection)
            return
        # The gate, the connection and the naming of errors in one generator: a read of one
        # user is mostly this, and each nested context manager showed in its profile.
        await self.gate.acquire()
        try:
            async with self._driver_connection() as driver:
                if consistent:
                    async with driver.transaction(isolation="repeatable_read", readonly=True):
                        yield DriverRows(driver, self._statements)
                elif self._statement_timeout_sql:
                    async with driver.transaction(readonly=True):
                        await driver.execute(self._statement_timeout_sql)
                        yield DriverRows(driver, self._statements)
                else:
                    yield DriverRows(driver, self._statements)
        except Exception as error:
            named = storage_error(error)
            if named is None:
                raise
            raise named from error
        finally:
            self.gate.release()

    @asynccontextmanager
    async def _driver_connection(self) -> AsyncIterator[Any]:
        """A pooled connection's asyncpg connection, checked out of SQLAlchemy's pool (with its
        events: the closed-connection check, the counters) and returned to it."""
        pool = self.engine.sync_engine.pool
        pooled = await greenlet_spawn(pool.connect)
        driver: Any = pooled.driver_connection
        try:
            yield driver
        except Exception as error:
            # A connection the server gave up (its socket may not have closed yet) is thrown
            # away, and so are the pool's older ones, as SQLAlchemy's own execution does on a
            # disconnect: whatever killed one (a restart, a failover) killed them all, and the
            # read that runs again must get a fresh connection.
            named = storage_error(error)
            if driver.is_closed() or isinstance(named, ConnectionLost):
                await greenlet_spawn(pool._invalidate, pooled, error)
                if named is None:
                    raise ConnectionLost() from error
            raise
        except BaseException as error:  # cancelled half-way through a statement
            await greenlet_spawn(pooled.invalidate, error)
            raise
        finally:
            if pooled.is_valid and isinstance(pool, QueuePool) and pool.overflow() <= 0:
                # Nothing to await: the connection goes back into a queue with room, and its
                # reset (a rollback of SQLAlchemy's transaction) has none to roll back. A
                # greenlet costs 12 µs here (measured), 4% of a read of one user.
                pooled.close()
            else:  # closing it, or the queue full of overflow: that awaits the driver
                await greenlet_spawn(pooled.close)

    async def wal_position(self) -> int:
        """PostgreSQL: where the server's WAL ends now, as a byte offset (after a commit:
        a position every replica that has replayed past it holds the commit at). The insert
        position, not the write position (``pg_current_wal_lsn``), which with asynchronous
        commit may still be short of the commit record. Asked on a pooled connection by a
        caller that holds a gate slot already."""
        with storage_errors():
            async with self._driver_connection() as driver:
                position: int = await driver.fetchval("SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint")
        return position

    async def commit_outcome(self, transaction_id: str) -> bool | None:
        """PostgreSQL: whether the transaction with this id committed, asked on a fresh
        connection after its own connection broke during COMMIT. None when the server cannot
        say (unreachable, or the transaction not over within a second). The caller holds a
        gate slot already, and has given its own connection back."""
        deadline = time.monotonic() + COMMIT_OUTCOME_WAIT_SECONDS
        while True:
            try:
                async with self._driver_connection() as driver:
                    status = await driver.fetchval("SELECT pg_xact_status($1::text::xid8)", transaction_id)
            except Exception as error:  # any failure to ask leaves the outcome unknown
                logger.warning("commit outcome of transaction %s unknown: %r", transaction_id, error)
                return None
            if status in ("committed", "aborted"):
                return bool(status == "committed")
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.05)  # still in progress: its backend is ending it

    async def ping(self) -> None:
        async with self.read_one() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()

    def pool_status(self) -> PoolStatus:
        pool = self.engine.sync_engine.pool
        if isinstance(pool, QueuePool):
            size, checked_in, checked_out, overflow = pool.size(), pool.checkedin(), pool.checkedout(), pool.overflow()
        else:  # an in-memory SQLite database: one static connection, nothing to count
            size = checked_in = checked_out = overflow = 0
        return PoolStatus(
            size=size,
            checked_in=checked_in,
            checked_out=checked_out,
            # QueuePool counts not-yet-opened pool slots as negative overflow.
            overflow=max(0, overflow),
            checkout_timeouts=self.gate.timeouts,
            **asdict(self._counters),
        )

    async def max_connections(self) -> int | None:
        """The server's ``max_connections``; None for SQLite, which has no such limit."""
        if self.is_sqlite:
            return None
        async with self.read_one() as connection:
            return int((await connection.execute(text("SHOW max_connections"))).scalar_one())


@dataclass
class _PoolCounters:
    """What the pool has done since start, from its events."""

    connects: int = 0
    checkouts: int = 0
    checkins: int = 0
    resets: int = 0
    invalidations: int = 0

    def listen(self, engine: AsyncEngine) -> None:
        target = engine.sync_engine
        event.listen(target, "connect", lambda *_: self._add("connects"))
        event.listen(target, "checkout", lambda *_: self._add("checkouts"))
        event.listen(target, "checkin", lambda *_: self._add("checkins"))
        event.listen(target, "reset", lambda *_: self._add("resets"))
        event.listen(target, "invalidate", lambda *_: self._add("invalidations"))
        event.listen(target, "soft_invalidate", lambda *_: self._add("invalidations"))

    def _add(self, counter: str) -> None:
        setattr(self, counter, getattr(self, counter) + 1)


def _create_engine(url: URL, pool: PoolSettings, echo: bool, application_name: str) -> AsyncEngine:
    options: dict[str, Any] = {"echo": echo, "pool_pre_ping": pool.pre_ping}
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": 30}
        if database in ("", ":memory:"):
            return create_async_engine(url, **options)
    else:
        # Shows in pg_stat_activity who holds which connection.
        connect_args: dict[str, Any] = {"server_settings": {"application_name": application_name}}
        if pool.pgbouncer:
            connect_args.update(_PGBOUNCER_CONNECT_ARGS)
        options["connect_args"] = connect_args
    options.update(
        pool_size=pool.size,
        max_overflow=pool.max_overflow,
        pool_timeout=pool.timeout,
        pool_recycle=pool.recycle,
    )
    return create_async_engine(url, **options)


# PgBouncer in transaction mode may hand each transaction (and each statement outside one)
# to a different server connection, so nothing may outlive it: asyncpg keeps no statement
# cache, and every statement is unnamed, which asyncpg then parses again with each
# execution, in the same message group. Named statements would pile up on the servers.
_PGBOUNCER_CONNECT_ARGS: dict[str, Any] = {
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
    "prepared_statement_name_func": lambda: "",
}


def _replace_closed_connections_at_checkout(engine: AsyncEngine) -> None:
    """A pooled connection whose socket the server has closed (a restart, a failover,
    ``pg_terminate_backend``, a proxy's idle cut) is replaced at checkout: asyncpg saw the
    close as it happened, so asking costs no round trip, where pre-ping costs three. The
    pool invalidates the connection and opens another, as it does for a failed pre-ping."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.driver_connection.is_closed():
            raise DisconnectionError("the server closed this connection while it was idle in the pool")


def _invalidate_lost_connections(engine: AsyncEngine) -> None:
    """A connection the server reported lost (an administrator or crash shutdown, a server
    shutting down) is thrown away even while asyncpg has not yet seen its socket close,
    which is all SQLAlchemy's own disconnect check asks."""

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: Any) -> None:
        if not context.is_disconnect and isinstance(storage_error(context.original_exception), ConnectionLost):
            context.is_disconnect = True


def _statement_timeout_sql(milliseconds: int) -> str:
    """``SET LOCAL``, run at the start of every transaction: it ends with the transaction, so
    it also holds through PgBouncer in transaction mode, where a session-level SET or a
    startup parameter would leak to other clients or be refused."""
    return f"SET LOCAL statement_timeout = {int(milliseconds)}"


def _install_statement_timeout(engine: AsyncEngine, statement: str) -> None:

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(statement)


def _fold_case(value: str | None) -> str | None:
    return None if value is None else fold_case(value)


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    """The documented aiosqlite recipe: let SQLAlchemy, not the driver, emit BEGIN, so that
    savepoints work; and turn on what SQLite leaves off (foreign keys, WAL)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # SQLite's lower() folds ASCII only; PostgreSQL's folds every letter. The domain's
        # fold_case everywhere keeps "case-insensitive" one rule: the lower(email) index,
        # login and search agree on every backend.
        dbapi_connection.create_function("lower", 1, _fold_case, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        writes = connection.get_execution_options().get(_WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
