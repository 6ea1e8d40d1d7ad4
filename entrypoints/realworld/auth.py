"""RealWorld's ``Authorization: Token <token>`` scheme: the caller where a route needs one,
the optional viewer of a public read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import APIKeyHeader

from application.auth import Actor
from application.errors import NotAuthenticated
from entrypoints.http.use_cases import IdentifyCallerCase

_authorization = APIKeyHeader(name="Authorization", scheme_name="Token", auto_error=False)
SCHEME = "token"


def _token(header: str | None) -> str | None:
    """The token of a ``Token <token>`` header; None for no header or another scheme."""
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == SCHEME and token else None


@dataclass(frozen=True, slots=True)
class Caller:
    """Who called, and with which token (RealWorld's user object carries it back)."""

    actor: Actor
    token: str


async def caller(header: Annotated[str | None, Depends(_authorization)], identify: IdentifyCallerCase) -> Caller:
    token = _token(header)
    if token is None:
        raise NotAuthenticated("Missing or malformed 'Authorization: Token <token>' header")
    return Caller(Actor.of(await identify.execute(token)), token)


async def optional_viewer(
    header: Annotated[str | None, Depends(_authorization)], identify: IdentifyCallerCase
) -> int | None:
    """The id of the caller of a public read, or None for an anonymous one; a token that
    names nobody reads as anonymous (it only changes ``following`` and ``favorited``)."""
    token = _token(header)
    if token is None:
        return None
    try:
        return (await identify.execute(token)).id
    except NotAuthenticated:
        return None


RequiredCaller = Annotated[Caller, Depends(caller)]
ViewerId = Annotated[int | None, Depends(optional_viewer)]
