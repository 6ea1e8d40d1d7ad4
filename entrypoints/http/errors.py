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
)
from domain.errors import DomainError, InvalidValue
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
    (StorageUnavailable, 503),
)
_BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}
RETRY_AFTER_SECONDS = "2"
_RETRY_LATER = {"Retry-After": RETRY_AFTER_SECONDS}


def _application_error(_request: Request, error: Exception) -> JSONBytes:
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return JSONBytes({"detail": str(error)}, status_code=status, headers=_headers(status, error))
    logger.error("unmapped application error %r", error)
    return JSONBytes({"detail": str(error)}, status_code=400)


def _headers(status: int, error: Exception) -> dict[str, str] | None:
    if status == 401:
        return _BEARER_CHALLENGE
    if status == 503:
        # The store's trouble, not the client's: say so in the log, and when to come back.
        logger.warning("storage unavailable: %s (%r)", error.__class__.__name__, error.__cause__)
        return _RETRY_LATER
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


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApplicationError, _application_error)
    app.add_exception_handler(DomainError, _domain_rule)
    app.add_exception_handler(InvalidValue, _invalid_value)
    app.add_exception_handler(RequestValidationError, _validation_error)
