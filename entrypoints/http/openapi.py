"""What an operation's OpenAPI entry says besides its success: ``errors(401, 404, 503)``
is the ``responses=`` of a route that can answer those, each with the one error body
(``ErrorResponse``), a standard description and the headers that come with it.

FastAPI adds 422 (its validation error schema) by itself wherever there are parameters
or a body; ``tests/e2e/test_openapi.py`` checks every operation documents what its kind
of route can answer (a body: 413; the database: 503; a bearer token: 401; ...)."""

from __future__ import annotations

from typing import Any

from entrypoints.http.schemas import ErrorResponse, HealthResponse

DESCRIPTIONS: dict[int, str] = {
    400: "Bad request: the request conflicts with stored data (an email or username taken) or with "
    "itself, its body cannot be parsed, or its query string is not valid UTF-8",
    401: "Not authenticated: the bearer token (or the login) is missing, malformed, expired or revoked",
    403: "Authenticated, but not allowed to do this",
    404: "The user or post named in the path does not exist (or is a draft the caller may not see)",
    409: "The change collided with a concurrent one and was not saved; it may be sent again",
    413: "The request body is over 1 MiB",
    429: "Too many failed logins for this login name (or from this address) lately; retry after Retry-After "
    "seconds, when the window has passed",
    503: "The database is unavailable, timed out or has no free connection; retry after Retry-After seconds",
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "The authentication scheme to use",
            "required": True,
            "schema": {"type": "string", "pattern": "^Bearer"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds until the window of failed logins has passed",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    503: {
        "Retry-After": {
            "description": "Seconds to wait before retrying",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entries for these error statuses (each must be in ``DESCRIPTIONS``)."""
    unknown = set(statuses) - DESCRIPTIONS.keys()
    if unknown:
        raise ValueError(f"no standard description for {sorted(unknown)}")
    return {
        status: {"model": ErrorResponse, "description": DESCRIPTIONS[status], **_headers(status)}
        for status in sorted(statuses)
    }


def _headers(status: int) -> dict[str, Any]:
    return {"headers": HEADERS[status]} if status in HEADERS else {}


# The success of a list route: a full page names the next one (entrypoints.http.paging).
NEXT_PAGE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of the list",
        "headers": {
            "Link": {
                "description": 'Only when the page is full: `<path?query>; rel="next"`, a relative reference to '
                "the next page (the same request with `after_id` set to this page's last id, and no `skip`)",
                "required": False,
                "schema": {"type": "string"},
            }
        },
    }
}


def listing(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a list route that can answer these error statuses too."""
    return {**NEXT_PAGE, **errors(*statuses)}


# For a route whose bearer token is optional (a public read, where a token only widens what
# the caller sees): FastAPI documents every OAuth2PasswordBearer as required; the empty
# requirement appended here says "or none" (OpenAPI's optional security).
OPTIONAL_BEARER: dict[str, Any] = {"security": [{}]}

HEALTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": HealthResponse, "description": "The primary database answered within 2 s"},
    503: {
        "model": HealthResponse,
        "description": "Unhealthy: the primary database did not answer in time (readiness: also while "
        "the service is starting or draining)",
    },
}
