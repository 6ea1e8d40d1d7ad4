"""Readers of articles (published posts) and their authors: module-constant Core
statements, compiled once (see ``rows``), one per shape of a list.

A page of articles is three statements in one snapshot, whatever its size: the page (each
row with its author, whether the viewer follows them and favours it, and its count of
fans), the tags of the posts found (their ids bound as one list, see ``id_lists``), and
the size of the whole list (a tag's alone: its kept count; a feed's: counted by its page,
so two statements, unless a keyset cuts the page). The page's ids are found first, on the
narrowing indexes alone; only those rows are then read whole, with their authors and their
counts (not the rows an offset skips). The anonymous viewer is id 0, which no row has."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    exists,
    func,
    literal_column,
    select,
)

from adapters.sqlalchemy.id_lists import IdList, ids_in
from adapters.sqlalchemy.replicas import ReadConnections
from adapters.sqlalchemy.rows import Row, Rows
from adapters.sqlalchemy.tables import comments, favorites, follows, is_storable_id, post_tags, posts, tags, users
from application.ports.readers import ArticleReader, AuthorReader
from application.queries import ArticleFilter, Page
from application.transactions import reads_run_again_when_lost
from application.views import AccountDTO, ArticleCommentDTO, ArticleDTO, ArticlePageDTO, AuthorDTO

_viewer_id: BindParameter[int] = bindparam("viewer_id")
_skip: BindParameter[int] = bindparam("skip")
_limit: BindParameter[int] = bindparam("limit")
# Newest first from a keyset: before 2**31, past any 32-bit id, from the beginning.
_before_id: BindParameter[int] = bindparam("before_id", type_=BigInteger())
_BEFORE_ANY_ID = 2**31

_author = users.alias("author")
_count = func.count().label("count")


# The viewer's links, in subqueries of their own: a list may join follows or favorites too.
_viewer_follows = follows.alias("viewer_follows")
_viewer_favorites = favorites.alias("viewer_favorites")
_fans = favorites.alias("fans")


def _following(author_id: ColumnElement[int]) -> ColumnElement[bool]:
    return exists().where(_viewer_follows.c.follower_id == _viewer_id, _viewer_follows.c.followee_id == author_id)


_AUTHOR_COLUMNS = (
    _author.c.id.label("author_id"),
    _author.c.username.label("author_username"),
    _author.c.bio.label("author_bio"),
    _author.c.image.label("author_image"),
    _following(_author.c.id).label("author_following"),
)
_ARTICLE_COLUMNS = (
    posts.c.id,
    posts.c.slug,
    posts.c.title,
    posts.c.description,
    posts.c.content.label("body"),
    posts.c.created_at,
    posts.c.updated_at,
    exists()
    .where(_viewer_favorites.c.user_id == _viewer_id, _viewer_favorites.c.post_id == posts.c.id)
    .label("favorited"),
    select(func.count()).where(_fans.c.post_id == posts.c.id).scalar_subquery().label("favorites_count"),
    *_AUTHOR_COLUMNS,
)
_articles = select(*_ARTICLE_COLUMNS).join(_author, _author.c.id == posts.c.author_id)
_published = posts.c.published.is_(True)


def _user_named(parameter: str) -> Any:
    return select(users.c.id).where(users.c.username == bindparam(parameter)).scalar_subquery()


def _narrowed(statement: Select[Any], *, tag: bool, author: bool, favorited: bool, feed: bool) -> Select[Any]:
    """``statement`` over the posts the filter lets through, newest first. Each narrowing
    reads the index that lists its posts newest first: a tag's (post_tags), an author's
    (posts), a user's favourites (favorites), the followed authors' (posts, per author)."""
    conditions: list[ColumnElement[bool]] = [_published, posts.c.id < _before_id]
    if tag:
        tag_id = select(tags.c.id).where(tags.c.name == bindparam("tag")).scalar_subquery()
        statement = statement.join(post_tags, and_(post_tags.c.post_id == posts.c.id, post_tags.c.tag_id == tag_id))
    if author:
        conditions.append(posts.c.author_id == _user_named("author"))
    if favorited:
        fan = _user_named("favorited_by")
        statement = statement.join(favorites, and_(favorites.c.post_id == posts.c.id, favorites.c.user_id == fan))
    if feed:
        statement = statement.join(
            follows, and_(follows.c.followee_id == posts.c.author_id, follows.c.follower_id == _viewer_id)
        )
    return statement.where(*conditions)


def _page_ids(**shape: bool) -> Select[Any]:
    """The ids of one page of the list, newest first; a feed's also count the whole list.

    The feed is ordered by ``posts.id + 0``, which no index yields: so the followed
    authors' posts are read through their authors' index (each author's in ``posts``, a
    few each) and the page sorted from them, a cost bounded by what the viewer follows.
    Ordered by the primary key itself, the planner may walk every post newest first,
    probing whether the viewer follows each author: about as many posts per page as there
    are authors for each one followed (a thousand of a million users: 20,000 posts for the
    first page, 220,000 at offset 200), unbounded for authors who stopped writing. As every
    post of the feed is read for that sort anyway, it is counted on the way (a window over
    them), instead of read again by a statement of its own. The other lists read only their
    page from an index in their order: counted so, the whole list would be read."""
    if shape["feed"]:
        ids, newest_first = select(posts.c.id, func.count().over().label("listed")), posts.c.id + literal_column("0")
    else:
        ids, newest_first = select(posts.c.id), posts.c.id
    return _narrowed(ids, **shape).order_by(newest_first.desc()).offset(_skip).limit(_limit)


@dataclass(frozen=True)
class _List:
    """The statements of one shape of list."""

    page: Select[Any]
    size: Select[Any]
    """The whole list's size; where the page counts it too (``page_counts``), read only
    for an empty page or one after a keyset."""
    page_counts: bool


# A tag's articles are counted by the database as they change (migration 0007): counted here,
# the most used tag's would be a probe into posts for each of its taggings.
_tag_articles = select(tags.c.articles.label("count")).where(tags.c.name == bindparam("tag"))


def _statements(**shape: bool) -> _List:
    listed = _page_ids(**shape).subquery("page")
    counted = (listed.c.listed,) if shape["feed"] else ()
    page = (
        select(*_ARTICLE_COLUMNS, *counted)
        .select_from(listed.join(posts, posts.c.id == listed.c.id).join(_author, _author.c.id == posts.c.author_id))
        .order_by(posts.c.id.desc())
    )
    if shape["tag"] and not (shape["author"] or shape["favorited"] or shape["feed"]):
        return _List(page, _tag_articles, page_counts=False)
    return _List(page, _narrowed(select(_count).select_from(posts), **shape), page_counts=shape["feed"])


_LISTS = {
    (tag, author, favorited): _statements(tag=tag, author=author, favorited=favorited, feed=False)
    for tag in (False, True)
    for author in (False, True)
    for favorited in (False, True)
}
_FEED = _statements(tag=False, author=False, favorited=False, feed=True)

_article_by_slug = _articles.where(posts.c.slug == bindparam("slug"), _published)
_article_by_id = _articles.where(posts.c.id == bindparam("post_id"), _published)
# The tags of the articles read (a page's, or one), by the ids found: not the page's
# narrowing again, which for a feed is a probe per followed author.
_tags_of_posts = (
    select(post_tags.c.post_id, tags.c.name)
    .join(tags, tags.c.id == post_tags.c.tag_id)
    .where(ids_in(post_tags.c.post_id, bindparam("post_ids", type_=IdList())))
    .order_by(post_tags.c.post_id, post_tags.c.position)
)
_article_id_by_slug = select(posts.c.id).where(posts.c.slug == bindparam("slug"), _published)
_comments_with_authors = select(
    comments.c.id, comments.c.content.label("body"), comments.c.created_at, *_AUTHOR_COLUMNS
).join(_author, _author.c.id == comments.c.author_id)
_comments_of_post = _comments_with_authors.where(comments.c.post_id == bindparam("post_id")).order_by(
    comments.c.id.desc()
)
_comment_by_id = _comments_with_authors.join(posts, posts.c.id == comments.c.post_id).where(
    comments.c.id == bindparam("comment_id"), _published
)
_tags_in_use = select(tags.c.name).where(tags.c.articles > 0).order_by(tags.c.name)
_profile = select(*_AUTHOR_COLUMNS).where(_author.c.username == bindparam("username"))
_account = select(users.c.id, users.c.email, users.c.username, users.c.bio, users.c.image).where(
    users.c.id == bindparam("user_id")
)


def _viewer(viewer_id: int | None) -> dict[str, int]:
    return {"viewer_id": viewer_id if viewer_id is not None and is_storable_id(viewer_id) else 0}


def _author_dto(row: Row) -> AuthorDTO:
    return AuthorDTO(
        id=row["author_id"],
        username=row["author_username"],
        bio=row["author_bio"],
        image=row["author_image"],
        following=row["author_following"],
    )


def _article_dto(row: Row, tag_names: list[str]) -> ArticleDTO:
    return ArticleDTO(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        description=row["description"],
        body=row["body"],
        tags=tag_names,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        favorited=row["favorited"],
        favorites_count=row["favorites_count"],
        author=_author_dto(row),
    )


async def _tags_by_post(rows: Rows, post_ids: list[int]) -> dict[int, list[str]]:
    """Each post's tag names in their order; nothing is read for no posts."""
    tags_by_post: dict[int, list[str]] = defaultdict(list)
    for tagging in await rows.all(_tags_of_posts, {"post_ids": post_ids}) if post_ids else []:
        tags_by_post[tagging["post_id"]].append(tagging["name"])
    return tags_by_post


def _comment_dto(row: Row) -> ArticleCommentDTO:
    return ArticleCommentDTO(id=row["id"], body=row["body"], created_at=row["created_at"], author=_author_dto(row))


@reads_run_again_when_lost
class SqlAlchemyArticleReader(ArticleReader):
    def __init__(self, database: ReadConnections) -> None:
        self._db = database

    async def list_page(self, article_filter: ArticleFilter, page: Page, *, viewer_id: int | None) -> ArticlePageDTO:
        shape = (
            article_filter.tag is not None,
            article_filter.author is not None,
            article_filter.favorited_by is not None,
        )
        named = {
            "tag": article_filter.tag,
            "author": article_filter.author,
            "favorited_by": article_filter.favorited_by,
        }
        given = {name: value for name, value in named.items() if value is not None}
        return await self._page(_LISTS[shape], {**given, **_viewer(viewer_id)}, page)

    async def feed(self, viewer_id: int, page: Page) -> ArticlePageDTO:
        return await self._page(_FEED, _viewer(viewer_id), page)

    async def _page(self, statements: _List, parameters: dict[str, Any], page: Page) -> ArticlePageDTO:
        paged = {**parameters, "before_id": page.after_id or _BEFORE_ANY_ID, "skip": page.skip, "limit": page.limit}
        async with self._db.rows(consistent=True) as rows:
            found = await rows.all(statements.page, paged)
            tags_by_post = await _tags_by_post(rows, [row["id"] for row in found])
            # The page counts what it reads: the whole list only when no keyset cuts it.
            if statements.page_counts and found and not page.after_id:
                count = found[0]["listed"]
            else:
                size = await rows.first(statements.size, {**parameters, "before_id": _BEFORE_ANY_ID})
                count = 0 if size is None else size["count"]
        return ArticlePageDTO(articles=[_article_dto(row, tags_by_post[row["id"]]) for row in found], count=count)

    async def get(self, slug: str, *, viewer_id: int | None) -> ArticleDTO | None:
        return await self._one(_article_by_slug, {"slug": slug, **_viewer(viewer_id)})

    async def get_by_id(self, post_id: int, *, viewer_id: int | None) -> ArticleDTO | None:
        if not is_storable_id(post_id):
            return None
        return await self._one(_article_by_id, {"post_id": post_id, **_viewer(viewer_id)})

    async def _one(self, statement: Select[Any], parameters: dict[str, Any]) -> ArticleDTO | None:
        async with self._db.rows(consistent=True) as rows:
            found = await rows.first(statement, parameters)
            if found is None:
                return None
            tags_by_post = await _tags_by_post(rows, [found["id"]])
        return _article_dto(found, tags_by_post[found["id"]])

    async def comments(self, slug: str, *, viewer_id: int | None) -> list[ArticleCommentDTO] | None:
        async with self._db.rows(consistent=True) as rows:
            article = await rows.first(_article_id_by_slug, {"slug": slug})
            if article is None:
                return None
            found = await rows.all(_comments_of_post, {"post_id": article["id"], **_viewer(viewer_id)})
        return [_comment_dto(row) for row in found]

    async def comment(self, comment_id: int, *, viewer_id: int | None) -> ArticleCommentDTO | None:
        if not is_storable_id(comment_id):
            return None
        async with self._db.rows() as rows:
            found = await rows.first(_comment_by_id, {"comment_id": comment_id, **_viewer(viewer_id)})
        return None if found is None else _comment_dto(found)

    async def tags(self) -> list[str]:
        async with self._db.rows() as rows:
            found: Sequence[Row] = await rows.all(_tags_in_use)
        return [row["name"] for row in found]


@reads_run_again_when_lost
class SqlAlchemyAuthorReader(AuthorReader):
    def __init__(self, database: ReadConnections) -> None:
        self._db = database

    async def profile(self, username: str, *, viewer_id: int | None) -> AuthorDTO | None:
        async with self._db.rows() as rows:
            found = await rows.first(_profile, {"username": username, **_viewer(viewer_id)})
        return None if found is None else _author_dto(found)

    async def account(self, user_id: int) -> AccountDTO | None:
        if not is_storable_id(user_id):
            return None
        async with self._db.rows() as rows:
            found = await rows.first(_account, {"user_id": user_id})
        return None if found is None else AccountDTO(**found)
