from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from application.queries import Page
from application.use_cases.delete_user import DeleteUserCommand
from application.use_cases.follow_user import FollowUserCommand
from application.use_cases.list_follows import Direction, ListFollowsQuery
from application.use_cases.list_users import ListUsersQuery
from application.use_cases.register_user import RegisterUserCommand
from application.use_cases.search_users import SearchUsersQuery
from application.use_cases.unfollow_user import UnfollowUserCommand
from application.use_cases.update_user import UpdateUserCommand
from entrypoints.http.dependencies import CurrentActor, CurrentUser, Viewer
from entrypoints.http.openapi import OPTIONAL_BEARER, errors, listing
from entrypoints.http.paging import AfterId, Skip, page_answer
from entrypoints.http.responses import JSONBytes, flat
from entrypoints.http.schemas import (
    ProfileResponse,
    SearchText,
    UserCreate,
    UserResponse,
    UserSummary,
    UserUpdate,
    UserWithPostsResponse,
)
from entrypoints.http.use_cases import (
    DeleteUserCase,
    FollowUserCase,
    GetProfileCase,
    GetUserCase,
    GetUserWithPostsCase,
    ListFollowsCase,
    ListUsersCase,
    RegisterUserCase,
    SearchUsersCase,
    UnfollowUserCase,
    UpdateUserCase,
)

# Every operation here reads or writes the store.
router = APIRouter(prefix="/api/v1/users", tags=["users"], responses=errors(503))


@router.post("", status_code=201, response_model=UserResponse, responses=errors(400, 409, 413))
async def register_user(body: UserCreate, case: RegisterUserCase) -> Response:
    command = RegisterUserCommand(
        email=body.email, username=body.username, password=body.password, full_name=body.full_name
    )
    return JSONBytes(await case.execute(command), status_code=201)


@router.get("", response_model=list[UserResponse], responses=listing(400))
async def list_users(
    case: ListUsersCase,
    request: Request,
    skip: Skip = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    active_only: bool = False,
    after_id: AfterId = 0,
) -> Response:
    page = Page(skip=skip, limit=limit, after_id=after_id)
    found = await case.execute(ListUsersQuery(page=page, active_only=active_only))
    return page_answer(request, page, found)


@router.get("/search", response_model=list[UserResponse], responses=listing(400))
async def search_users(
    case: SearchUsersCase,
    request: Request,
    q: Annotated[SearchText, Query(min_length=2, max_length=100)],
    skip: Skip = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    after_id: AfterId = 0,
) -> Response:
    page = Page(skip=skip, limit=limit, after_id=after_id)
    found = await case.execute(SearchUsersQuery(text=q, page=page))
    return page_answer(request, page, found)


@router.get("/me", response_model=UserResponse, responses=errors(401))
async def read_me(user: CurrentUser) -> Response:
    return JSONBytes(user)


@router.get("/{user_id}", response_model=UserResponse, responses=errors(404))
async def get_user(user_id: int, case: GetUserCase) -> Response:
    return JSONBytes(await case.execute(user_id))


@router.get(
    "/{user_id}/with-posts", response_model=UserWithPostsResponse, responses=errors(404), openapi_extra=OPTIONAL_BEARER
)
async def get_user_with_posts(user_id: int, viewer: Viewer, case: GetUserWithPostsCase) -> Response:
    found = await case.execute(user_id, viewer=viewer)
    return JSONBytes(flat(found.user, posts=found.posts))


@router.get("/{user_id}/profile", response_model=ProfileResponse, responses=errors(404), openapi_extra=OPTIONAL_BEARER)
async def get_profile(user_id: int, viewer: Viewer, case: GetProfileCase) -> Response:
    found = await case.execute(user_id, viewer=viewer)
    posts = [flat(entry.post, comments=entry.comments) for entry in found.posts]
    return JSONBytes(flat(found.user, posts=posts, followers=found.followers, following=found.following))


@router.post("/{user_id}/follow", status_code=204, responses=errors(400, 401, 404, 409))
async def follow(user_id: int, actor: CurrentActor, case: FollowUserCase) -> Response:
    await case.execute(FollowUserCommand(actor=actor, user_id=user_id))
    return Response(status_code=204)


@router.delete("/{user_id}/follow", status_code=204, responses=errors(401, 404, 409))
async def unfollow(user_id: int, actor: CurrentActor, case: UnfollowUserCase) -> Response:
    await case.execute(UnfollowUserCommand(actor=actor, user_id=user_id))
    return Response(status_code=204)


@router.get("/{user_id}/followers", response_model=list[UserSummary], responses=listing(400, 404))
async def list_followers(
    case: ListFollowsCase,
    user_id: int,
    request: Request,
    skip: Skip = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    after_id: AfterId = 0,
) -> Response:
    page = Page(skip=skip, limit=limit, after_id=after_id)
    query = ListFollowsQuery(user_id=user_id, direction=Direction.FOLLOWERS, page=page)
    return page_answer(request, page, await case.execute(query))


@router.get("/{user_id}/following", response_model=list[UserSummary], responses=listing(400, 404))
async def list_following(
    case: ListFollowsCase,
    user_id: int,
    request: Request,
    skip: Skip = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    after_id: AfterId = 0,
) -> Response:
    page = Page(skip=skip, limit=limit, after_id=after_id)
    query = ListFollowsQuery(user_id=user_id, direction=Direction.FOLLOWING, page=page)
    return page_answer(request, page, await case.execute(query))


@router.patch("/{user_id}", response_model=UserResponse, responses=errors(400, 401, 403, 404, 409, 413))
async def update_user(user_id: int, body: UserUpdate, actor: CurrentActor, case: UpdateUserCase) -> Response:
    command = UpdateUserCommand(actor=actor, user_id=user_id, **body.given())
    return JSONBytes(await case.execute(command))


@router.delete("/{user_id}", status_code=204, responses=errors(401, 403, 404, 409))
async def delete_user(user_id: int, actor: CurrentActor, case: DeleteUserCase) -> Response:
    await case.execute(DeleteUserCommand(actor=actor, user_id=user_id))
    return Response(status_code=204)
