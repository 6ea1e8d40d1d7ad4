"""Log lines: one JSON object per line (``LOG_FORMAT=json``) or columns for a terminal
(``console``), the same for Inkwell's, uvicorn's and SQLAlchemy's loggers, each line carrying
the id of the request it was written for.

Every logger stays a standard library logger; structlog's ``ProcessorFormatter`` turns their
records into lines. ``log_config`` is a ``logging.dictConfig`` dictionary, which uvicorn
applies in each worker process it starts."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any, Literal

import orjson
import structlog
from asgi_correlation_id import correlation_id

LogFormat = Literal["json", "console"]
ACCESS_LOGGER = "inkwell.access"


def _request_id(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    event["request_id"] = correlation_id.get()
    return event


def _json(value: Any, **_: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def formatter(log_format: LogFormat) -> logging.Formatter:
    """The formatter of every handler: time, level, logger, message, request_id, and the
    record's extra fields (the access line's method, route, status, duration_ms)."""
    renderer: Any = (
        structlog.processors.JSONRenderer(serializer=_json)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(event_key="message")
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            _request_id,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.EventRenamer("message"),
            renderer,
        ],
    )


def log_config(log_format: LogFormat, *, sql_echo: bool = False) -> dict[str, Any]:
    """Everything to standard error through ``formatter``. uvicorn's own access line stays off:
    Inkwell writes one that names the route template (``ACCESS_LOG``)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"inkwell": {"()": f"{__name__}.formatter", "log_format": log_format}},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "inkwell", "stream": "ext://sys.stderr"}
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
