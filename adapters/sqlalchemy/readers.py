"""Readers: Core selects straight into DTOs, compiled once, with no ORM in the way (and on
PostgreSQL run by the driver itself: see ``rows``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, BindParameter, Boolean, Integer, Select, and_, bindparam, func, or_, select

from adapters.sqlalchemy.replicas import ReadConnections
from adapters.sqlalchemy.rows import Row
from adapters.sqlalchemy.tables import access_tokens, comments, follows, is_storable_id, posts, users
from application.auth import Actor, Credentials
from application.ports.readers import CredentialsReader, PostReader, UserReader
from application.queries import Page, PostFilter
from application.transactions import reads_run_again_when_lost
from application.views import (
    CommentDTO,
    PostDetailDTO,
    PostDTO,
    PostWithAuthorDTO,
    PostWithCommentsDTO,
    ProfileDTO,
    UserDTO,
    UserSummaryDTO,
    UserWithPostsDTO,
)
from domain.text import fold_case
from domain.users import is_email_login

_USER_COLUMNS = (
    users.c.id,
    users.c.email,
    users.c.username,
    users.c.full_name,
    users.c.is_active,
    users.c.is_superuser,
    users.c.created_at,
    users.c.updated_at,
)
_POST_COLUMNS = (
    posts.c.id,
    posts.c.title,
    posts.c.content,
    posts.c.published,
    posts.c.author_id,
    posts.c.created_at,
    posts.c.updated_at,
)
_POST_FIELDS = tuple(column.name for column in _POST_COLUMNS)
_USER_FIELDS = tuple(column.name for column in _USER_COLUMNS)
_SEARCH_ESCAPE = "\\"
_skip: BindParameter[int] = bindparam("skip")
_limit: BindParameter[int] = bindparam("limit")
# Keyset paging: every list reads an index range from its cursor on, whatever the depth.
# Always bound, so each list keeps one statement: from the beginning is after id 0 in an
# ascending list (ids start at 1), and before 2**31 (past any 32-bit id, so bound as a
# bigint) in a descending one.
_after_id: BindParameter[int] = bindparam("after_id", type_=Integer())
_before_id: BindParameter[int] = bindparam("before_id", type_=BigInteger())
_BEFORE_ANY_ID = 2**31

_user_by_id = select(*_USER_COLUMNS).where(users.c.id == bindparam("user_id"))
_users_by_id = select(*_USER_COLUMNS).where(users.c.id > _after_id).order_by(users.c.id).offset(_skip).limit(_limit)
_active_users_newest_first = (
    select(*_USER_COLUMNS)
    .where(users.c.is_active.is_(True), users.c.id < _before_id)
    .order_by(users.c.id.desc())
    .offset(_skip)
    .limit(_limit)
)
_pattern: BindParameter[str] = bindparam("pattern")
# lower(column) LIKE: the shape of the trigram indexes on PostgreSQL (see tables).
_search = (
    select(*_USER_COLUMNS)
    .where(
        or_(
            func.lower(users.c.email).like(_pattern, escape=_SEARCH_ESCAPE),
            func.lower(users.c.username).like(_pattern, escape=_SEARCH_ESCAPE),
            func.lower(users.c.full_name).like(_pattern, escape=_SEARCH_ESCAPE),
        ),
        users.c.id > _after_id,
    )
    .order_by(users.c.id)
    .offset(_skip)
    .limit(_limit)
)
# domain.posts.is_visible in SQL, with the viewer as bound parameters (see _viewer): a
# published post, or the viewer's own, or any post when the viewer sees every draft.
_visible = or_(
    posts.c.published.is_(True),
    posts.c.author_id == bindparam("viewer_id", type_=Integer()),
    bindparam("viewer_sees_all", type_=Boolean()),
)
_posts_of_author = (
    select(*_POST_COLUMNS).where(posts.c.author_id == bindparam("user_id"), _visible).order_by(posts.c.id)
)
# One statement, so one snapshot and one round trip: the user's columns come again on each
# of their posts' rows, and once (with NULL post columns) for a user without posts.
_user_with_posts = (
    select(*_USER_COLUMNS, *(column.label(f"post_{column.name}") for column in _POST_COLUMNS))
    .select_from(users.outerjoin(posts, and_(posts.c.author_id == users.c.id, _visible)))
    .where(users.c.id == bindparam("user_id"))
    .order_by(posts.c.id)
)
_credentials_columns = (users.c.id, users.c.hashed_password, users.c.is_active)
_credentials_by_email = select(*_credentials_columns).where(func.lower(users.c.email) == bindparam("login"))
_credentials_by_username = select(*_credentials_columns).where(users.c.username == bindparam("login"))
_user_by_token = (
    select(*_USER_COLUMNS)
    .join(access_tokens, access_tokens.c.user_id == users.c.id)
    .where(
        access_tokens.c.token_hash == bindparam("token_hash"),
        access_tokens.c.expires_at > bindparam("now"),
        users.c.is_active.is_(True),
    )
)


_SUMMARY_COLUMNS = (users.c.id, users.c.username, users.c.full_name)
_COMMENT_COLUMNS = (comments.c.id, comments.c.post_id, comments.c.author_id, comments.c.content, comments.c.created_at)
_posts_ids_of_author = select(posts.c.id).where(posts.c.author_id == bindparam("user_id"), _visible).scalar_subquery()
# One statement for every comment on every post of the author that the viewer may see: no
# IN list that grows with the rows.
_comments_on_posts_of_author = (
    select(*_COMMENT_COLUMNS).where(comments.c.post_id.in_(_posts_ids_of_author)).order_by(comments.c.id)
)
_user_exists = select(users.c.id).where(users.c.id == bindparam("user_id"))
# Ordered (and paged) by the follows columns that equal users.id: the ranges of the
# (followee_id, follower_id) index and of the (follower_id, followee_id) unique constraint.
_followers = (
    select(*_SUMMARY_COLUMNS)
    .join(follows, follows.c.follower_id == users.c.id)
    .where(follows.c.followee_id == bindparam("user_id"))
    .order_by(follows.c.follower_id)
)
_following = (
    select(*_SUMMARY_COLUMNS)
    .join(follows, follows.c.followee_id == users.c.id)
    .where(follows.c.follower_id == bindparam("user_id"))
    .order_by(follows.c.followee_id)
)
_followers_page = _followers.where(follows.c.follower_id > _after_id).offset(_skip).limit(_limit)
_following_page = _following.where(follows.c.followee_id > _after_id).offset(_skip).limit(_limit)

_author = users.alias("author")
_AUTHOR_COLUMNS = (
    _author.c.id.label("author_id_"),
    _author.c.username.label("author_username"),
    _author.c.full_name.label("author_full_name"),
)
_posts_with_authors = select(*_POST_COLUMNS, *_AUTHOR_COLUMNS).join(_author, _author.c.id == posts.c.author_id)
_post_with_author = _posts_with_authors.where(posts.c.id == bindparam("post_id"), _visible)
_post_exists = select(posts.c.id).where(posts.c.id == bindparam("post_id"), _visible)
_comments_of_post = select(*_COMMENT_COLUMNS).where(comments.c.post_id == bindparam("post_id")).order_by(comments.c.id)
_comments_of_post_page = _comments_of_post.where(comments.c.id > _after_id).offset(_skip).limit(_limit)


def _posts_list(*, by_author: bool, published: bool | None) -> Select[Any]:
    statement = _posts_with_authors.where(_visible)
    if by_author:
        statement = statement.where(posts.c.author_id == bindparam("author_id"))
    if published is not None:
        # "=" rather than IS: a range of the (published, id) index.
        statement = statement.where(posts.c.published == published)
    return statement.where(posts.c.id > _after_id).order_by(posts.c.id).offset(_skip).limit(_limit)


# The posts list, one statement per shape of the filter: (by author?, published).
_posts_lists = {
    (by_author, published): _posts_list(by_author=by_author, published=published)
    for by_author in (False, True)
    for published in (None, True, False)
}


def _paging(page: Page) -> dict[str, int]:
    """The bound parameters of a page of a list ordered by id."""
    return {"after_id": page.after_id, "skip": page.skip, "limit": page.limit}


def _newest_first_paging(page: Page) -> dict[str, int]:
    """The bound parameters of a page of a list ordered by id descending."""
    return {"before_id": page.after_id or _BEFORE_ANY_ID, "skip": page.skip, "limit": page.limit}


def _viewer(viewer: Actor | None) -> dict[str, Any]:
    """The bound parameters of ``_visible``. No row has id 0, so 0 is the anonymous viewer."""
    if viewer is None:
        return {"viewer_id": 0, "viewer_sees_all": False}
    return {"viewer_id": viewer.id, "viewer_sees_all": viewer.is_superuser}


def _post_with_author_dto(row: Row) -> PostWithAuthorDTO:
    return PostWithAuthorDTO(
        post=PostDTO(**{name: row[name] for name in _POST_FIELDS}),
        author=UserSummaryDTO(id=row["author_id_"], username=row["author_username"], full_name=row["author_full_name"]),
    )


def _authored_post(row: Row) -> PostDTO:
    return PostDTO(**{name: row[f"post_{name}"] for name in _POST_FIELDS})


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with its wildcards taken literally."""
    escaped = fold_case(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@reads_run_again_when_lost
class SqlAlchemyUserReader(UserReader):
    def __init__(self, database: ReadConnections) -> None:
        self._db = database

    async def get(self, user_id: int) -> UserDTO | None:
        if not is_storable_id(user_id):
            return None
        async with self._db.rows() as rows:
            row = await rows.first(_user_by_id, {"user_id": user_id})
        return None if row is None else UserDTO(**row)

    async def list_page(self, page: Page, *, active_only: bool) -> list[UserDTO]:
        if active_only:
            statement, parameters = _active_users_newest_first, _newest_first_paging(page)
        else:
            statement, parameters = _users_by_id, _paging(page)
        async with self._db.rows() as rows:
            found = await rows.all(statement, parameters)
        return [UserDTO(**row) for row in found]

    async def search(self, query: str, page: Page) -> list[UserDTO]:
        parameters = {"pattern": like_pattern(query), **_paging(page)}
        async with self._db.rows() as rows:
            found = await rows.all(_search, parameters)
        return [UserDTO(**row) for row in found]

    async def get_with_posts(self, user_id: int, *, viewer: Actor | None) -> UserWithPostsDTO | None:
        if not is_storable_id(user_id):
            return None
        async with self._db.rows() as rows:
            found = await rows.all(_user_with_posts, {"user_id": user_id, **_viewer(viewer)})
        if not found:
            return None
        return UserWithPostsDTO(
            user=UserDTO(**{name: found[0][name] for name in _USER_FIELDS}),
            posts=[_authored_post(row) for row in found if row["post_id"] is not None],
        )

    async def get_profile(self, user_id: int, *, viewer: Actor | None) -> ProfileDTO | None:
        if not is_storable_id(user_id):
            return None
        parameters = {"user_id": user_id}
        seen = {**parameters, **_viewer(viewer)}
        async with self._db.rows(consistent=True) as rows:
            user = await rows.first(_user_by_id, parameters)
            if user is None:
                return None
            posts_found = await rows.all(_posts_of_author, seen)
            comments_found = await rows.all(_comments_on_posts_of_author, seen)
            followers = await rows.all(_followers, parameters)
            following = await rows.all(_following, parameters)
        comments_by_post: dict[int, list[CommentDTO]] = defaultdict(list)
        for comment in comments_found:
            comments_by_post[comment["post_id"]].append(CommentDTO(**comment))
        return ProfileDTO(
            user=UserDTO(**user),
            posts=[PostWithCommentsDTO(post=PostDTO(**p), comments=comments_by_post[p["id"]]) for p in posts_found],
            followers=[UserSummaryDTO(**f) for f in followers],
            following=[UserSummaryDTO(**f) for f in following],
        )

    async def followers(self, user_id: int, page: Page) -> list[UserSummaryDTO] | None:
        return await self._linked(_followers_page, user_id, page)

    async def following(self, user_id: int, page: Page) -> list[UserSummaryDTO] | None:
        return await self._linked(_following_page, user_id, page)

    async def _linked(self, statement: Select[Any], user_id: int, page: Page) -> list[UserSummaryDTO] | None:
        if not is_storable_id(user_id):
            return None
        async with self._db.rows(consistent=True) as rows:
            if await rows.first(_user_exists, {"user_id": user_id}) is None:
                return None
            found = await rows.all(statement, {"user_id": user_id, **_paging(page)})
        return [UserSummaryDTO(**row) for row in found]

    async def taken(self, emails: Sequence[str], usernames: Sequence[str]) -> tuple[set[str], set[str]]:
        # Lists of any length: SQLAlchemy's execution path expands them (an import, not a hot read).
        if not emails and not usernames:
            return set(), set()
        lowered = [fold_case(e) for e in emails]
        statement = select(func.lower(users.c.email), users.c.username).where(
            or_(func.lower(users.c.email).in_(lowered), users.c.username.in_(list(usernames)))
        )
        async with self._db.read_one() as connection:
            found = (await connection.execute(statement)).all()
        return {email for email, _ in found} & set(lowered), {name for _, name in found} & set(usernames)


@reads_run_again_when_lost
class SqlAlchemyPostReader(PostReader):
    def __init__(self, database: ReadConnections) -> None:
        self._db = database

    async def list_page(self, page: Page, post_filter: PostFilter, *, viewer: Actor | None) -> list[PostWithAuthorDTO]:
        author_id = post_filter.author_id
        if author_id is not None and not is_storable_id(author_id):
            return []
        statement = _posts_lists[author_id is not None, post_filter.published]
        parameters = {**_paging(page), **_viewer(viewer)}
        if author_id is not None:
            parameters["author_id"] = author_id
        async with self._db.rows() as rows:
            found = await rows.all(statement, parameters)
        return [_post_with_author_dto(row) for row in found]

    async def get_detail(self, post_id: int, *, viewer: Actor | None) -> PostDetailDTO | None:
        if not is_storable_id(post_id):
            return None
        async with self._db.rows(consistent=True) as rows:
            post = await rows.first(_post_with_author, {"post_id": post_id, **_viewer(viewer)})
            if post is None:
                return None
            comments_found = await rows.all(_comments_of_post, {"post_id": post_id})
        found = _post_with_author_dto(post)
        return PostDetailDTO(post=found.post, author=found.author, comments=[CommentDTO(**c) for c in comments_found])

    async def comments(self, post_id: int, page: Page, *, viewer: Actor | None) -> list[CommentDTO] | None:
        if not is_storable_id(post_id):
            return None
        async with self._db.rows(consistent=True) as rows:
            if await rows.first(_post_exists, {"post_id": post_id, **_viewer(viewer)}) is None:
                return None
            parameters = {"post_id": post_id, **_paging(page)}
            found = await rows.all(_comments_of_post_page, parameters)
        return [CommentDTO(**c) for c in found]


@reads_run_again_when_lost
class SqlAlchemyCredentialsReader(CredentialsReader):
    """Always on the primary: a token just issued, or a password just changed, must count."""

    def __init__(self, database: ReadConnections) -> None:
        self._db = database

    async def find_credentials(self, login: str) -> Credentials | None:
        if is_email_login(login):
            statement, parameters = _credentials_by_email, {"login": fold_case(login)}
        else:
            statement, parameters = _credentials_by_username, {"login": login}
        async with self._db.rows() as rows:
            row = await rows.first(statement, parameters)
        if row is None:
            return None
        return Credentials(user_id=row["id"], hashed_password=row["hashed_password"], is_active=row["is_active"])

    async def user_for_token(self, token_hash: str, now: datetime) -> UserDTO | None:
        async with self._db.rows() as rows:
            row = await rows.first(_user_by_token, {"token_hash": token_hash, "now": now})
        return None if row is None else UserDTO(**row)
