"""Application errors to HTTP, in one table; and validation errors without their input."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError

from application.errors import (
    ApplicationError,
    ConcurrentChange,
    Conflict,
    InvalidCredentials,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    StorageUnavailable,
    TooManyLoginAttempts,
)
from domain.errors import DomainError, InvalidValue
from entrypoints.http import request_ids
from entrypoints.http.responses import JSONBytes

logger = logging.getLogger("inkwell.http")

# The first matching class decides.
STATUS_BY_ERROR: tuple[tuple[type[ApplicationError], int], ...] = (
    (NotFound, 404),
    (Conflict, 400),
    (InvalidRequest, 400),
    (InvalidCredentials, 401),
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
    (ConcurrentChange, 409),
    (TooManyLoginAttempts, 429),
    (StorageUnavailable, 503),
)
RETRY_AFTER_SECONDS = "2"


def _application_error(_request: Request, error: Exception) -> JSONBytes:
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            headers = error_headers(status, error, scheme="Bearer")
            return JSONBytes({"detail": str(error)}, status_code=status, headers=headers)
    logger.error("unmapped application error %r", error)
    return JSONBytes({"detail": str(error)}, status_code=400)


def error_headers(status: int, error: ApplicationError, *, scheme: str) -> dict[str, str] | None:
    """How to authenticate (401, in ``scheme``), or when to come back (429, 503); a 503,
    the store's trouble and not the client's, is worth a line in the log too."""
    if isinstance(error, TooManyLoginAttempts):
        return {"Retry-After": str(error.retry_after_seconds)}
    if status == 401:
        return {"WWW-Authenticate": scheme}
    if status == 503:
        logger.warning("storage unavailable: %s (%r)", error.__class__.__name__, error.__cause__)
        return {"Retry-After": RETRY_AFTER_SECONDS}
    return None


def _domain_rule(_request: Request, error: Exception) -> JSONBytes:
    """A broken business rule that is not about one field's shape (e.g. following oneself)."""
    return JSONBytes({"detail": str(error)}, status_code=400)


def _invalid_value(_request: Request, error: Exception) -> JSONBytes:
    assert isinstance(error, InvalidValue)
    detail = [{"type": "value_error", "loc": ["body", error.field], "msg": error.message}]
    return JSONBytes({"detail": detail}, status_code=422)


def _validation_error(_request: Request, error: Exception) -> JSONBytes:
    """FastAPI's 422 shape, minus ``input``: it would echo a submitted password."""
    assert isinstance(error, RequestValidationError)
    detail = [{key: value for key, value in item.items() if key != "input"} for item in error.errors()]
    return JSONBytes({"detail": jsonable_encoder(detail)}, status_code=422)


def _unexpected(_request: Request, _error: Exception) -> JSONBytes:
    """A bug: answered in FastAPI's shape, with the request id to find its traceback by
    (the server logs it, as the error goes on up)."""
    request_id = request_ids.current()
    return JSONBytes(
        {"detail": "Internal Server Error"},
        status_code=500,
        headers=None if request_id is None else {request_ids.HEADER: request_id},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(ApplicationError, _application_error)
    app.add_exception_handler(DomainError, _domain_rule)
    app.add_exception_handler(InvalidValue, _invalid_value)
    app.add_exception_handler(RequestValidationError, _validation_error)
