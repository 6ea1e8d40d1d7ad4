"""A list of ids bound as one parameter: ``ids_in(column, bindparam("ids", type_=IdList()))``.

One statement text whatever the list's length: an ``IN (...)`` list would be a statement,
and a prepared statement, for each length. PostgreSQL binds an INTEGER[] and reads it with
``unnest``, SQLite a JSON array with ``json_each``: either way an index probe per id."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Dialect, Integer, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine


class IdList(TypeDecorator[Sequence[int]]):
    """Ids in, as an INTEGER[] (PostgreSQL) or a JSON array (SQLite)."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(ARRAY(Integer) if dialect.name == "postgresql" else Text())

    def process_bind_param(self, value: Sequence[int] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return list(value) if dialect.name == "postgresql" else json.dumps(list(value))


def ids_in(column: ColumnElement[int], ids: BindParameter[Sequence[int]]) -> ColumnElement[bool]:
    """``column`` is one of ``ids`` (a parameter of type ``IdList``)."""
    return column.op("IN", is_comparison=True)(_IdSet(ids))


class _IdSet(FunctionElement[int]):
    """The ids of a bound ``IdList``, as a subquery."""

    type = Integer()
    inherit_cache = True
    name = "id_set"


@compiles(_IdSet)
def _json_array_values(element: _IdSet, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(SELECT value FROM json_each({compiler.process(element.clauses, **kw)}))"


@compiles(_IdSet, "postgresql")
def _array_elements(element: _IdSet, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(SELECT unnest({compiler.process(element.clauses, **kw)}))"
