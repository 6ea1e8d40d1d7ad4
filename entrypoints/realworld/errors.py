"""RealWorld's error answers: ``{"errors": {"<field>": ["<message>"]}}``, ``body`` naming
the request as a whole. Each RealWorld route answers its own errors (``RealWorldRoute``),
so ``/api/v1``'s shapes, installed on the app, stay as they are."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from application.errors import (
    ApplicationError,
    ConcurrentChange,
    Conflict,
    EmailOrUsernameTaken,
    InvalidCredentials,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    StorageUnavailable,
    TooManyLoginAttempts,
)
from domain.errors import DomainError, InvalidValue
from entrypoints.http.errors import error_headers
from entrypoints.http.responses import JSONBytes

Messages = dict[str, list[str]]

# The first matching class decides; a taken email or username is a 422, as the spec says.
_STATUS_BY_ERROR: tuple[tuple[type[ApplicationError], int], ...] = (
    (EmailOrUsernameTaken, 422),
    (NotFound, 404),
    (InvalidCredentials, 401),
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
    (Conflict, 409),
    (ConcurrentChange, 409),
    (InvalidRequest, 422),
    (TooManyLoginAttempts, 429),
    (StorageUnavailable, 503),
)
# The domain's field names where RealWorld's differ.
_FIELD_NAMES = {"content": "body", "tags": "tagList"}


def answer(status: int, errors: Messages, headers: dict[str, str] | None = None) -> JSONBytes:
    return JSONBytes({"errors": errors}, status_code=status, headers=headers)


def _application_error(error: ApplicationError) -> JSONBytes:
    status = next((status for kind, status in _STATUS_BY_ERROR if isinstance(error, kind)), 422)
    if isinstance(error, EmailOrUsernameTaken):
        errors = {error.field or "email or username": ["has already been taken"]}
    elif isinstance(error, InvalidCredentials):
        errors = {"email or password": ["is invalid"]}
    else:
        errors = {"body": [str(error)]}
    return answer(status, errors, error_headers(status, error, scheme="Token"))


def _validation_error(error: RequestValidationError) -> JSONBytes:
    """pydantic's errors by field: the last name in each location (``user.email`` is
    ``email``), ``body`` for the body as a whole. Never the input (it may be a password)."""
    messages: Messages = {}
    for item in error.errors():
        names = [
            part for part in item.get("loc", ()) if isinstance(part, str) and part not in ("body", "query", "path")
        ]
        field = names[-1] if names and names[-1] not in ("user", "article", "comment") else "body"
        message = "can't be blank" if item.get("type") == "missing" else str(item.get("msg", "is invalid"))
        messages.setdefault(field, []).append(message)
    return answer(422, messages)


def realworld_error(error: Exception) -> JSONBytes | None:
    """The RealWorld answer to an error a route raised, or None for a bug."""
    if isinstance(error, RequestValidationError):
        return _validation_error(error)
    if isinstance(error, InvalidValue):
        return answer(422, {_FIELD_NAMES.get(error.field, error.field): [error.message]})
    if isinstance(error, DomainError):
        return answer(422, {"body": [str(error)]})
    if isinstance(error, ApplicationError):
        return _application_error(error)
    return None


class RealWorldRoute(APIRoute):
    """A route that answers its errors in RealWorld's shape (validation included)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_in_realworld_shape(request: Request) -> Response:
            try:
                return await handle(request)
            except Exception as error:
                answered = realworld_error(error)
                if answered is None:
                    raise
                return answered

        return handle_in_realworld_shape
