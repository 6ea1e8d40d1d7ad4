"""Articles (published posts), the feed, favourites, comments and tags.

A slug names a published post: someone's draft (written through ``/api/v1``) is not found
here, for reading or for writing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from application.queries import ArticleFilter, Page
from application.use_cases.add_comment import AddCommentCommand
from application.use_cases.create_post import CreatePostCommand
from application.use_cases.delete_comment import DeleteCommentCommand
from application.use_cases.delete_post import DeletePostCommand
from application.use_cases.favorite_post import FavoritePostCommand
from application.use_cases.update_post import UpdatePostCommand
from application.views import ArticlePageDTO
from entrypoints.http.paging import Skip
from entrypoints.http.responses import JSONBytes
from entrypoints.http.use_cases import (
    AddCommentCase,
    CreatePostCase,
    DeleteCommentCase,
    DeletePostCase,
    FavoritePostCase,
    GetArticleCase,
    GetFeedCase,
    ListArticleCommentsCase,
    ListArticlesCase,
    ListTagsCase,
    UnfavoritePostCase,
    UpdatePostCase,
)
from entrypoints.realworld import schemas
from entrypoints.realworld.auth import RequiredCaller, ViewerId
from entrypoints.realworld.errors import RealWorldRoute

router = APIRouter(prefix="/api", route_class=RealWorldRoute, include_in_schema=False)

Limit = Annotated[int, Query(ge=1, le=100)]
Name = Annotated[str | None, Query(max_length=255)]


def _page(found: ArticlePageDTO) -> JSONBytes:
    articles = [schemas.article(entry) for entry in found.articles]
    return JSONBytes({"articles": articles, "articlesCount": found.count})


@router.get("/articles")
async def list_articles(
    viewer_id: ViewerId,
    articles: ListArticlesCase,
    tag: Name = None,
    author: Name = None,
    favorited: Name = None,
    offset: Skip = 0,
    limit: Limit = 20,
) -> Response:
    narrowed = ArticleFilter(tag=tag, author=author, favorited_by=favorited)
    return _page(await articles.execute(narrowed, Page(skip=offset, limit=limit), viewer_id=viewer_id))


# Before /articles/{slug}, which would take "feed" for a slug.
@router.get("/articles/feed")
async def feed(caller: RequiredCaller, feed: GetFeedCase, offset: Skip = 0, limit: Limit = 20) -> Response:
    return _page(await feed.execute(caller.actor.id, Page(skip=offset, limit=limit)))


@router.post("/articles", status_code=201)
async def create_article(
    body: schemas.NewArticleRequest, caller: RequiredCaller, create: CreatePostCase, articles: GetArticleCase
) -> Response:
    new = body.article
    command = CreatePostCommand(
        actor=caller.actor,
        title=new.title,
        content=new.body,
        description=new.description,
        tags=new.tagList,
        published=True,
    )
    written = await create.execute(command)
    found = await articles.by_id(written.id, viewer_id=caller.actor.id)
    return JSONBytes({"article": schemas.article(found)}, status_code=201)


@router.get("/articles/{slug}")
async def get_article(slug: str, viewer_id: ViewerId, articles: GetArticleCase) -> Response:
    return JSONBytes({"article": schemas.article(await articles.execute(slug, viewer_id=viewer_id))})


@router.put("/articles/{slug}")
async def update_article(
    slug: str,
    body: schemas.UpdateArticleRequest,
    caller: RequiredCaller,
    articles: GetArticleCase,
    update: UpdatePostCase,
) -> Response:
    found = await articles.execute(slug, viewer_id=caller.actor.id)
    changes = body.article.given()
    renamed = {"body": "content", "tagList": "tags"}
    command = UpdatePostCommand(
        actor=caller.actor, post_id=found.id, **{renamed.get(name, name): value for name, value in changes.items()}
    )
    await update.execute(command)
    return JSONBytes({"article": schemas.article(await articles.by_id(found.id, viewer_id=caller.actor.id))})


@router.delete("/articles/{slug}", status_code=204)
async def delete_article(
    slug: str, caller: RequiredCaller, articles: GetArticleCase, delete: DeletePostCase
) -> Response:
    found = await articles.execute(slug, viewer_id=caller.actor.id)
    await delete.execute(DeletePostCommand(actor=caller.actor, post_id=found.id))
    return Response(status_code=204)


@router.post("/articles/{slug}/favorite")
async def favorite(slug: str, caller: RequiredCaller, articles: GetArticleCase, mark: FavoritePostCase) -> Response:
    found = await articles.execute(slug, viewer_id=caller.actor.id)
    await mark.execute(FavoritePostCommand(actor=caller.actor, post_id=found.id))
    return JSONBytes({"article": schemas.article(await articles.by_id(found.id, viewer_id=caller.actor.id))})


@router.delete("/articles/{slug}/favorite")
async def unfavorite(
    slug: str, caller: RequiredCaller, articles: GetArticleCase, unmark: UnfavoritePostCase
) -> Response:
    found = await articles.execute(slug, viewer_id=caller.actor.id)
    await unmark.execute(FavoritePostCommand(actor=caller.actor, post_id=found.id))
    return JSONBytes({"article": schemas.article(await articles.by_id(found.id, viewer_id=caller.actor.id))})


@router.get("/articles/{slug}/comments")
async def list_comments(slug: str, viewer_id: ViewerId, comments: ListArticleCommentsCase) -> Response:
    found = await comments.execute(slug, viewer_id=viewer_id)
    return JSONBytes({"comments": [schemas.comment(entry) for entry in found]})


@router.post("/articles/{slug}/comments")
async def add_comment(
    slug: str,
    body: schemas.NewCommentRequest,
    caller: RequiredCaller,
    articles: GetArticleCase,
    add: AddCommentCase,
    comments: ListArticleCommentsCase,
) -> Response:
    found = await articles.execute(slug, viewer_id=caller.actor.id)
    written = await add.execute(AddCommentCommand(actor=caller.actor, post_id=found.id, content=body.comment.body))
    return JSONBytes({"comment": schemas.comment(await comments.one(written.id, viewer_id=caller.actor.id))})


@router.delete("/articles/{slug}/comments/{comment_id}", status_code=204)
async def delete_comment(
    slug: str, comment_id: int, caller: RequiredCaller, articles: GetArticleCase, delete: DeleteCommentCase
) -> Response:
    found = await articles.execute(slug, viewer_id=caller.actor.id)
    await delete.execute(DeleteCommentCommand(actor=caller.actor, post_id=found.id, comment_id=comment_id))
    return Response(status_code=204)


@router.get("/tags")
async def list_tags(tags: ListTagsCase) -> Response:
    return JSONBytes({"tags": await tags.execute()})
