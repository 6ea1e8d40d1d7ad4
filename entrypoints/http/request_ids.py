"""``X-Request-ID`` on every response: the one the request sent, when it is 1–200 visible
ASCII characters, or a fresh one (asgi-correlation-id's middleware, which also keeps it in a
context variable for the log lines written while the request is served)."""

from __future__ import annotations

import re

from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from fastapi import FastAPI

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[\x21-\x7e]{1,200}")


def is_acceptable(value: str) -> bool:
    return _ACCEPTED.fullmatch(value) is not None


def current() -> str | None:
    """The id of the request being served, if any."""
    return correlation_id.get()


def add_request_ids(app: FastAPI) -> None:
    """Outside every other middleware of ``app``, so that its refusals carry the id too; the
    answer to a crash is written outside of them all, and gets it from ``current``."""
    app.add_middleware(
        CorrelationIdMiddleware, header_name=HEADER, validator=is_acceptable, update_request_header=False
    )
