"""Log lines: one JSON object per line (``LOG_FORMAT=json``) or columns for a terminal
(``console``), the same for Inkwell's, uvicorn's and SQLAlchemy's loggers, each carrying the
id of the request it was written for.

Every logger stays a standard library logger: one handler, asgi-correlation-id's filter
(the request id) and python-json-logger's formatter. ``log_config`` is a
``logging.dictConfig`` dictionary, which uvicorn applies in each worker process it starts."""

from __future__ import annotations

import logging
from typing import Any, Literal

from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["json", "console"]
ACCESS_LOGGER = "inkwell.access"
_CONSOLE = "%(asctime)s %(levelname)-7s %(name)s [%(correlation_id)s] %(message)s"
# The record's attributes each JSON line starts with, and the names they are written under.
# The fields passed as ``extra`` (the access line's method, route, ...) follow them.
_JSON_FIELDS = ("levelname", "name", "message", "correlation_id")
_JSON_NAMES = {"levelname": "level", "name": "logger", "correlation_id": "request_id"}


def formatter(log_format: LogFormat) -> logging.Formatter:
    """time, level, logger, message, request_id, then the record's extra fields."""
    if log_format == "json":
        return JsonFormatter(list(_JSON_FIELDS), rename_fields=_JSON_NAMES, timestamp="time")
    return logging.Formatter(_CONSOLE)


def log_config(log_format: LogFormat, *, sql_echo: bool = False) -> dict[str, Any]:
    """Everything to standard error through one handler. uvicorn's own access line stays
    off: Inkwell writes one that names the route template (``ACCESS_LOG``)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {
                "()": "asgi_correlation_id.CorrelationIdFilter",
                "default_value": None if log_format == "json" else "-",  # outside any request
            }
        },
        "formatters": {"inkwell": {"()": f"{__name__}.formatter", "log_format": log_format}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "inkwell",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"level": "INFO"},
            "uvicorn.access": {"level": "WARNING"},
            # A handler of its own, so that SQLAlchemy's echo adds none beside it.
            "sqlalchemy.engine.Engine": {
                "handlers": ["default"],
                "level": "INFO" if sql_echo else "WARNING",
                "propagate": False,
            },
        },
    }
