"""FastAPI dependencies: the container of the running app, and the caller (required on
routes that need auth, optional on public reads).

All are ``async def``: FastAPI runs a plain ``def`` dependency on a worker thread, a
thread hop per request for work that never blocks.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from application.dto import Actor, UserDTO
from application.errors import NotAuthenticated
from entrypoints.container import Container

TOKEN_URL = "/api/v1/auth/token"
_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


async def get_container(request: Request) -> Container:
    return cast(Container, request.app.state.container)


ContainerDep = Annotated[Container, Depends(get_container)]


async def bearer_token(token: Annotated[str | None, Depends(_bearer)]) -> str:
    if not token:
        raise NotAuthenticated()
    return token


BearerToken = Annotated[str, Depends(bearer_token)]


async def current_user(token: BearerToken, container: ContainerDep) -> UserDTO:
    return await container.identify_caller().execute(token)


CurrentUser = Annotated[UserDTO, Depends(current_user)]


async def current_actor(user: CurrentUser) -> Actor:
    return Actor(id=user.id, is_superuser=user.is_superuser)


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def optional_actor(token: Annotated[str | None, Depends(_bearer)], container: ContainerDep) -> Actor | None:
    """The caller of a public read, or None for an anonymous one. A token only widens what
    the caller sees (drafts), so a missing, malformed, expired or revoked one reads as
    anonymous rather than failing; no Authorization header costs no database query."""
    if not token:
        return None
    try:
        user = await container.identify_caller().execute(token)
    except NotAuthenticated:
        return None
    return Actor(id=user.id, is_superuser=user.is_superuser)


Viewer = Annotated[Actor | None, Depends(optional_actor)]
