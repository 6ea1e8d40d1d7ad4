from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from application.use_cases.authenticate import AuthenticateCommand
from entrypoints.http.dependencies import BearerToken, CurrentUser
from entrypoints.http.openapi import errors
from entrypoints.http.responses import JSONBytes
from entrypoints.http.schemas import LoginForm, TokenResponse
from entrypoints.http.use_cases import AuthenticateCase, LogOutCase

# Every operation here reads or writes the store.
router = APIRouter(prefix="/api/v1/auth", tags=["auth"], responses=errors(503))


@router.post("/token", response_model=TokenResponse, responses=errors(400, 401, 409, 413, 429))
async def issue_token(form: Annotated[LoginForm, Form()], request: Request, case: AuthenticateCase) -> Response:
    # The client's address is the peer's, or what a trusted proxy says it is (uvicorn's proxy_headers).
    address = request.client.host if request.client else None
    command = AuthenticateCommand(login=form.username, password=form.password, client_address=address)
    return JSONBytes(await case.execute(command))


@router.post("/logout", status_code=204, responses=errors(401, 409))
async def log_out(_user: CurrentUser, token: BearerToken, case: LogOutCase) -> Response:
    await case.execute(token)
    return Response(status_code=204)
