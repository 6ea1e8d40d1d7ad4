"""Readers: Core selects straight into DTOs, prepared once, with no ORM in the way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BindParameter, bindparam, func, or_, select

from adapters.sqlalchemy.database import SqlAlchemyDatabase
from adapters.sqlalchemy.repositories import MAX_ID
from adapters.sqlalchemy.tables import access_tokens, posts, users
from application.dto import Credentials, Page, PostDTO, UserDTO, UserWithPostsDTO
from application.ports.readers import CredentialsReader, UserReader
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
_SEARCH_ESCAPE = "\\"

_user_by_id = select(*_USER_COLUMNS).where(users.c.id == bindparam("user_id"))
_users_by_id = select(*_USER_COLUMNS).order_by(users.c.id).offset(bindparam("skip")).limit(bindparam("limit"))
_active_users_newest_first = (
    select(*_USER_COLUMNS)
    .where(users.c.is_active.is_(True))
    .order_by(users.c.created_at.desc(), users.c.id.desc())
    .offset(bindparam("skip"))
    .limit(bindparam("limit"))
)
_pattern: BindParameter[str] = bindparam("pattern")
_search = (
    select(*_USER_COLUMNS)
    .where(
        or_(
            func.lower(users.c.email).like(_pattern, escape=_SEARCH_ESCAPE),
            func.lower(users.c.username).like(_pattern, escape=_SEARCH_ESCAPE),
            func.lower(users.c.full_name).like(_pattern, escape=_SEARCH_ESCAPE),
        )
    )
    .order_by(users.c.id)
    .offset(bindparam("skip"))
    .limit(bindparam("limit"))
)
_posts_of_author = select(*_POST_COLUMNS).where(posts.c.author_id == bindparam("user_id")).order_by(posts.c.id)
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


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with its wildcards taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlAlchemyUserReader(UserReader):
    def __init__(self, database: SqlAlchemyDatabase) -> None:
        self._db = database

    async def get(self, user_id: int) -> UserDTO | None:
        if not 1 <= user_id <= MAX_ID:
            return None
        async with self._db.read_one() as connection:
            row = (await connection.execute(_user_by_id, {"user_id": user_id})).first()
        return None if row is None else UserDTO(**row._mapping)

    async def list_page(self, page: Page, *, active_only: bool) -> list[UserDTO]:
        statement = _active_users_newest_first if active_only else _users_by_id
        async with self._db.read_one() as connection:
            result = await connection.execute(statement, {"skip": page.skip, "limit": page.limit})
        return [UserDTO(**row._mapping) for row in result]

    async def search(self, query: str, page: Page) -> list[UserDTO]:
        parameters = {"pattern": like_pattern(query), "skip": page.skip, "limit": page.limit}
        async with self._db.read_one() as connection:
            result = await connection.execute(_search, parameters)
        return [UserDTO(**row._mapping) for row in result]

    async def get_with_posts(self, user_id: int) -> UserWithPostsDTO | None:
        if not 1 <= user_id <= MAX_ID:
            return None
        async with self._db.read_consistent() as connection:
            row = (await connection.execute(_user_by_id, {"user_id": user_id})).first()
            if row is None:
                return None
            post_rows = await connection.execute(_posts_of_author, {"user_id": user_id})
        return UserWithPostsDTO(user=UserDTO(**row._mapping), posts=[PostDTO(**p._mapping) for p in post_rows])


class SqlAlchemyCredentialsReader(CredentialsReader):
    def __init__(self, database: SqlAlchemyDatabase) -> None:
        self._db = database

    async def find_credentials(self, login: str) -> Credentials | None:
        if is_email_login(login):
            statement, parameters = _credentials_by_email, {"login": login.lower()}
        else:
            statement, parameters = _credentials_by_username, {"login": login}
        async with self._db.read_one() as connection:
            row = (await connection.execute(statement, parameters)).first()
        if row is None:
            return None
        return Credentials(user_id=row.id, hashed_password=row.hashed_password, is_active=row.is_active)

    async def user_for_token(self, token_hash: str, now: datetime) -> UserDTO | None:
        async with self._db.read_one() as connection:
            row = (await connection.execute(_user_by_token, {"token_hash": token_hash, "now": now})).first()
        return None if row is None else UserDTO(**row._mapping)
