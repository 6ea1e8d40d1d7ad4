"""Registration, login and the caller's own account."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from application.errors import InvalidRequest
from application.use_cases.authenticate import AuthenticateCommand
from application.use_cases.register_user import RegisterUserCommand
from application.use_cases.update_user import UpdateUserCommand
from entrypoints.http.responses import JSONBytes
from entrypoints.http.use_cases import (
    AuthenticateCase,
    GetAuthorCase,
    IdentifyCallerCase,
    RegisterUserCase,
    UpdateUserCase,
)
from entrypoints.realworld import schemas
from entrypoints.realworld.auth import RequiredCaller
from entrypoints.realworld.errors import RealWorldRoute

router = APIRouter(prefix="/api", route_class=RealWorldRoute, include_in_schema=False)


@router.post("/users", status_code=201)
async def register(body: schemas.NewUserRequest, register: RegisterUserCase, authors: GetAuthorCase) -> Response:
    new = body.user
    # A RealWorld user starts with no articles: the welcome post is /api/v1's.
    command = RegisterUserCommand(email=new.email, username=new.username, password=new.password, welcome_post=False)
    registered, issued = await register.execute_and_log_in(command)
    account = await authors.account(registered.id)
    return JSONBytes({"user": schemas.user(account, issued.access_token)}, status_code=201)


@router.post("/users/login")
async def log_in(
    body: schemas.LoginUserRequest,
    request: Request,
    authenticate: AuthenticateCase,
    identify: IdentifyCallerCase,
    authors: GetAuthorCase,
) -> Response:
    address = request.client.host if request.client else None
    command = AuthenticateCommand(login=body.user.email, password=body.user.password, client_address=address)
    issued = await authenticate.execute(command)
    caller = await identify.execute(issued.access_token)
    account = await authors.account(caller.id)
    return JSONBytes({"user": schemas.user(account, issued.access_token)})


@router.get("/user")
async def current_user(caller: RequiredCaller, authors: GetAuthorCase) -> Response:
    account = await authors.account(caller.actor.id)
    return JSONBytes({"user": schemas.user(account, caller.token)})


@router.put("/user")
async def update_current_user(
    body: schemas.UpdateUserRequest,
    caller: RequiredCaller,
    update: UpdateUserCase,
    authenticate: AuthenticateCase,
    authors: GetAuthorCase,
) -> Response:
    changes = body.user.given()
    if not changes:
        raise InvalidRequest("Give at least one of email, username, password, bio, image")
    updated = await update.execute(UpdateUserCommand(actor=caller.actor, user_id=caller.actor.id, **changes))
    token = caller.token
    if body.user.password is not None:
        # A new password ends every token of the user; the front end carries on with a new one.
        issued = await authenticate.execute(AuthenticateCommand(login=updated.email, password=body.user.password))
        token = issued.access_token
    account = await authors.account(caller.actor.id)
    return JSONBytes({"user": schemas.user(account, token)})
