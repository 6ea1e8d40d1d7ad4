"""Readers' connections that show PostgreSQL's plan of every statement before it runs:
the plan tests record the plans, the scale probe prints them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from adapters.sqlalchemy.rows import DriverRows, Row, Rows, Statements

Explain = Callable[[str, Sequence[Any]], Awaitable[None]]
"""What to do with a statement about to run: its SQL (as the driver path compiles it) and
the arguments the reader binds."""


class ExplainingRows(Rows):
    """The driver path's rows, each statement handed to ``explain`` before it runs."""

    def __init__(self, connection: Any, statements: Statements, explain: Explain) -> None:
        self._statements = statements
        self._rows = DriverRows(connection, statements)
        self._explain = explain

    async def _explained(self, statement: Executable, parameters: Mapping[str, Any] | None) -> None:
        compiled = self._statements.compiled(statement)
        await self._explain(compiled.sql, compiled.arguments(parameters))

    async def all(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Sequence[Row]:
        await self._explained(statement, parameters)
        return await self._rows.all(statement, parameters)

    async def first(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> Row | None:
        await self._explained(statement, parameters)
        return await self._rows.first(statement, parameters)


class ExplainingConnections:
    """A reader's connections (``replicas.ReadConnections``): one asyncpg connection whose
    every statement is handed to ``explain`` first."""

    def __init__(self, connection: Any, statements: Statements, explain: Explain) -> None:
        self._connection = connection
        self._statements = statements
        self._explain = explain

    @asynccontextmanager
    async def _rows(self) -> AsyncIterator[Rows]:
        yield ExplainingRows(self._connection, self._statements, self._explain)

    def rows(self, *, consistent: bool = False) -> AbstractAsyncContextManager[Rows]:
        return self._rows()

    def read_one(self) -> AbstractAsyncContextManager[AsyncConnection]:
        raise NotImplementedError("the readers explained here read through rows()")
