"""The caller of a route: required where auth is needed, optional on public reads.

All are ``async def``: FastAPI runs a plain ``def`` dependency on a worker thread, a
thread hop per request for work that never blocks.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

from application.auth import Actor
from application.errors import NotAuthenticated
from application.views import UserDTO
from entrypoints.http.use_cases import IdentifyCallerCase

TOKEN_URL = "/api/v1/auth/token"
_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


async def bearer_token(token: Annotated[str | None, Depends(_bearer)]) -> str:
    if not token:
        raise NotAuthenticated()
    return token


BearerToken = Annotated[str, Depends(bearer_token)]


async def current_user(token: BearerToken, identify: IdentifyCallerCase) -> UserDTO:
    return await identify.execute(token)


CurrentUser = Annotated[UserDTO, Depends(current_user)]


async def current_actor(user: CurrentUser) -> Actor:
    return Actor.of(user)


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def optional_actor(token: Annotated[str | None, Depends(_bearer)], identify: IdentifyCallerCase) -> Actor | None:
    """The caller of a public read, or None for an anonymous one. A token only widens what
    the caller sees (drafts), so a missing, malformed, expired or revoked one reads as
    anonymous rather than failing; no Authorization header costs no database query."""
    if not token:
        return None
    try:
        user = await identify.execute(token)
    except NotAuthenticated:
        return None
    return Actor.of(user)


Viewer = Annotated[Actor | None, Depends(optional_actor)]
