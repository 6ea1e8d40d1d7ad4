"""FastAPI dependencies: the container of the running app, and the caller.

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
