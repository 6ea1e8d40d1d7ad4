from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from application.queries import Page, PostFilter
from application.use_cases.add_comment import AddCommentCommand
from application.use_cases.create_post import CreatePostCommand
from application.use_cases.delete_post import DeletePostCommand
from application.use_cases.list_posts import ListPostsQuery
from application.use_cases.update_post import UpdatePostCommand
from entrypoints.http.dependencies import CurrentActor, Viewer
from entrypoints.http.openapi import OPTIONAL_BEARER, errors, listing
from entrypoints.http.paging import AfterId, Skip, page_answer
from entrypoints.http.responses import JSONBytes, flat
from entrypoints.http.schemas import (
    CommentCreate,
    CommentResponse,
    Omittable,
    PostCreate,
    PostDetailResponse,
    PostResponse,
    PostUpdate,
    PostWithAuthorResponse,
)
from entrypoints.http.use_cases import (
    AddCommentCase,
    CreatePostCase,
    DeletePostCase,
    GetPostCase,
    ListCommentsCase,
    ListPostsCase,
    UpdatePostCase,
)

# Every operation here reads or writes the store.
router = APIRouter(prefix="/api/v1/posts", tags=["posts"], responses=errors(503))


@router.post("", status_code=201, response_model=PostResponse, responses=errors(400, 401, 409, 413))
async def create_post(body: PostCreate, actor: CurrentActor, case: CreatePostCase) -> Response:
    command = CreatePostCommand(actor=actor, title=body.title, content=body.content, published=body.published)
    return JSONBytes(await case.execute(command), status_code=201)


@router.get("", response_model=list[PostWithAuthorResponse], responses=listing(400), openapi_extra=OPTIONAL_BEARER)
async def list_posts(
    case: ListPostsCase,
    request: Request,
    viewer: Viewer,
    skip: Skip = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    author_id: Omittable[int] = None,
    published: Omittable[bool] = None,
    after_id: AfterId = 0,
) -> Response:
    page = Page(skip=skip, limit=limit, after_id=after_id)
    query = ListPostsQuery(page=page, post_filter=PostFilter(author_id=author_id, published=published), viewer=viewer)
    found = await case.execute(query)
    return page_answer(request, page, found, [flat(entry.post, author=entry.author) for entry in found])


@router.get("/{post_id}", response_model=PostDetailResponse, responses=errors(404), openapi_extra=OPTIONAL_BEARER)
async def get_post(post_id: int, viewer: Viewer, case: GetPostCase) -> Response:
    found = await case.execute(post_id, viewer=viewer)
    return JSONBytes(flat(found.post, author=found.author, comments=found.comments))


@router.patch("/{post_id}", response_model=PostResponse, responses=errors(400, 401, 403, 404, 409, 413))
async def update_post(post_id: int, body: PostUpdate, actor: CurrentActor, case: UpdatePostCase) -> Response:
    command = UpdatePostCommand(actor=actor, post_id=post_id, **body.given())
    return JSONBytes(await case.execute(command))


@router.delete("/{post_id}", status_code=204, responses=errors(401, 403, 404, 409))
async def delete_post(post_id: int, actor: CurrentActor, case: DeletePostCase) -> Response:
    await case.execute(DeletePostCommand(actor=actor, post_id=post_id))
    return Response(status_code=204)


@router.post(
    "/{post_id}/comments", status_code=201, response_model=CommentResponse, responses=errors(400, 401, 404, 409, 413)
)
async def add_comment(post_id: int, body: CommentCreate, actor: CurrentActor, case: AddCommentCase) -> Response:
    command = AddCommentCommand(actor=actor, post_id=post_id, content=body.content)
    return JSONBytes(await case.execute(command), status_code=201)


@router.get(
    "/{post_id}/comments",
    response_model=list[CommentResponse],
    responses=listing(400, 404),
    openapi_extra=OPTIONAL_BEARER,
)
async def list_comments(
    case: ListCommentsCase,
    post_id: int,
    viewer: Viewer,
    request: Request,
    skip: Skip = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    after_id: AfterId = 0,
) -> Response:
    page = Page(skip=skip, limit=limit, after_id=after_id)
    return page_answer(request, page, await case.execute(post_id, page, viewer=viewer))
