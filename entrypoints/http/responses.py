"""JSON answers as bytes, straight from the use cases' DTOs.

The read models are dataclasses whose fields are the response schemas' fields in order, so
orjson writes the response body from them directly: no validation of data the database
already typed, and no second pass through the response model. Timestamps come out as
pydantic writes them (``2026-01-01T12:00:00.123456Z``), so the bytes are the same either way;
a contract test keeps them so."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from fastapi import Response

_OPTIONS = orjson.OPT_UTC_Z


def json_bytes(content: Any) -> bytes:
    return orjson.dumps(content, option=_OPTIONS)


class JSONBytes(Response):
    """A response whose body is ``content`` as JSON."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


def flat(read_model: object, **more: object) -> dict[str, object]:
    """A read model's fields in order, then ``more``: the body of a response that extends it
    (a user with their posts)."""
    return {name: getattr(read_model, name) for name in _field_names(type(read_model))} | more


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(read_model: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(read_model)
    if names is None:
        names = _FIELD_NAMES[read_model] = tuple(field.name for field in dataclasses.fields(read_model))
    return names
