"""How readers run their statements: Core statements in, rows as mappings out.

The statements stay SQLAlchemy Core, the one definition for every dialect. On SQLite they
run through ``AsyncConnection.execute``. On PostgreSQL each is compiled once and run by
asyncpg itself on the pooled connection, with asyncpg's prepared-statement cache: the
per-statement work of SQLAlchemy's execution path was most of the cost of a read."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler

Row = Mapping[str, Any]
"""A row: SQLAlchemy's ``RowMapping``, or asyncpg's ``Record``, which reads the same way."""


class Rows(ABC):
    """The statements of one read, on one connection."""

    @abstractmethod
    async def all(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Sequence[Row]:
        """Every row of ``statement``, each a mapping of column label to value."""

    @abstractmethod
    async def first(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Row | None:
        """The first row of ``statement``, or None."""


class CoreRows(Rows):
    """Any dialect: SQLAlchemy's execution path."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def all(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Sequence[Row]:
        return cast(Sequence[Row], (await self._connection.execute(statement, parameters)).mappings().all())

    async def first(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Row | None:
        return cast(Row | None, (await self._connection.execute(statement, parameters)).mappings().first())


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    """The bound parameters, in the order of their ``$n``."""
    defaults: Mapping[str, Any]
    """Values bound inside the statement itself (``column == 5``)."""
    processors: tuple[Callable[[Any], Any] | None, ...]

    def arguments(self, parameters: Mapping[str, Any] | None) -> list[Any]:
        given = parameters or {}
        values = [given[name] if name in given else self.defaults[name] for name in self.names]
        return [
            value if process is None else process(value) for value, process in zip(values, self.processors, strict=True)
        ]


class Statements:
    """Core statements compiled once for one dialect, kept for the life of the process."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        # Keyed by identity: readers' statements are module constants, kept alive here too.
        self._compiled: dict[int, tuple[Executable, _Compiled]] = {}

    def compiled(self, statement: Executable) -> _Compiled:
        found = self._compiled.get(id(statement))
        if found is None:
            found = (statement, self._compile(statement))
            self._compiled[id(statement)] = found
        return found[1]

    def _compile(self, statement: Executable) -> _Compiled:
        compiled = statement.compile(dialect=self._dialect)  # type: ignore[attr-defined]
        assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None, "a positional dialect"
        binds = compiled.binds
        names = tuple(compiled.positiontup)
        return _Compiled(
            sql=str(compiled),
            names=names,
            defaults={name: binds[name].value for name in names if binds[name].value is not None},
            processors=tuple(
                binds[name].type.dialect_impl(self._dialect).bind_processor(self._dialect) for name in names
            ),
        )


class DriverRows(Rows):
    """PostgreSQL: asyncpg runs the compiled statement on the pooled connection."""

    def __init__(self, driver_connection: Any, statements: Statements) -> None:
        self._driver = driver_connection
        self._statements = statements

    async def all(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Sequence[Row]:
        compiled = self._statements.compiled(statement)
        rows: Sequence[Row] = await self._driver.fetch(compiled.sql, *compiled.arguments(parameters))
        return rows

    async def first(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Row | None:
        compiled = self._statements.compiled(statement)
        row: Row | None = await self._driver.fetchrow(compiled.sql, *compiled.arguments(parameters))
        return row
