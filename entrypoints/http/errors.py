"""Application errors to HTTP, in one table; and validation errors without their input."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from application.errors import (
    ApplicationError,
    Conflict,
    InvalidCredentials,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from domain.errors import DomainError, InvalidValue

logger = logging.getLogger("inkwell.http")

STATUS_BY_ERROR: tuple[tuple[type[ApplicationError], int], ...] = (
    (NotFound, 404),
    (Conflict, 400),
    (InvalidRequest, 400),
    (InvalidCredentials, 401),
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
)
_BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}
RETRY_AFTER_SECONDS = "2"


def _application_error(_request: Request, error: Exception) -> JSONResponse:
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(error, error_type):
            headers = _BEARER_CHALLENGE if status == 401 else None
            return JSONResponse({"detail": str(error)}, status_code=status, headers=headers)
    logger.error("unmapped application error %r", error)
    return JSONResponse({"detail": str(error)}, status_code=400)


def _domain_rule(_request: Request, error: Exception) -> JSONResponse:
    """A broken business rule that is not about one field's shape (e.g. following oneself)."""
    return JSONResponse({"detail": str(error)}, status_code=400)


def _invalid_value(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidValue)
    detail = [{"type": "value_error", "loc": ["body", error.field], "msg": error.message}]
    return JSONResponse({"detail": detail}, status_code=422)


def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422 shape, minus ``input``: it would echo a submitted password."""
    assert isinstance(error, RequestValidationError)
    detail = [{key: value for key, value in item.items() if key != "input"} for item in error.errors()]
    return JSONResponse({"detail": jsonable_encoder(detail)}, status_code=422)


def _database_unavailable(_request: Request, error: Exception) -> JSONResponse:
    """A pool timeout, a lost connection or a statement past DB_STATEMENT_TIMEOUT_MS is the
    database's trouble, not the client's: 503 with a hint to retry, never a 500."""
    if isinstance(error, DBAPIError) and _is_statement_timeout(error):
        logger.warning("statement timeout: %s", error.statement)
        return JSONResponse(
            {"detail": "Database statement timed out"}, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
        )
    if isinstance(error, DBAPIError) and not error.connection_invalidated and not _is_connection_error(error):
        raise error
    logger.warning("database unavailable: %s", error.__class__.__name__)
    return JSONResponse(
        {"detail": "Database unavailable, retry shortly"},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def _is_statement_timeout(error: DBAPIError) -> bool:
    return "statement timeout" in str(error.orig)


def _is_connection_error(error: DBAPIError) -> bool:
    return isinstance(error.orig, (ConnectionError, OSError)) or "connection" in str(error.orig).lower()


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApplicationError, _application_error)
    app.add_exception_handler(DomainError, _domain_rule)
    app.add_exception_handler(InvalidValue, _invalid_value)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(PoolTimeout, _database_unavailable)
    app.add_exception_handler(DBAPIError, _database_unavailable)
    app.add_exception_handler(ConnectionError, _database_unavailable)
