from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response

from application.dto import IssuedToken
from application.use_cases.authenticate import AuthenticateCommand
from entrypoints.http.dependencies import BearerToken, ContainerDep, CurrentUser
from entrypoints.http.schemas import LoginForm, TokenResponse

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token", response_model=TokenResponse)
async def issue_token(form: Annotated[LoginForm, Form()], container: ContainerDep) -> IssuedToken:
    return await container.authenticate().execute(AuthenticateCommand(login=form.username, password=form.password))


@router.post("/logout", status_code=204)
async def log_out(_user: CurrentUser, token: BearerToken, container: ContainerDep) -> Response:
    await container.log_out().execute(token)
    return Response(status_code=204)
