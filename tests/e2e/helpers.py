"""Small helpers for the end-to-end tests: accounts, logins, posts, comments and what the
store holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import httpx
from sqlalchemy import text

from adapters.memory.store import InMemoryStore
from adapters.sqlalchemy.database import SqlAlchemyDatabase
from application.use_cases.create_superuser import CreateSuperuserCommand
from entrypoints.container import Container

USERS = "/api/v1/users/"
SEARCH = "/api/v1/users/search"
ME = "/api/v1/users/me"
TOKEN = "/api/v1/auth/token"
LOGOUT = "/api/v1/auth/logout"

PASSWORD = "correct-horse-9"
USER_FIELDS = frozenset(
    {"id", "email", "username", "full_name", "is_active", "is_superuser", "created_at", "updated_at"}
)
POST_FIELDS = frozenset({"id", "title", "content", "published", "author_id", "created_at", "updated_at"})
INCORRECT_LOGIN = {"detail": "Incorrect username or password"}
USER_NOT_FOUND = {"detail": "User not found"}
ALREADY_REGISTERED = {"detail": "Email or username already registered"}
ALREADY_TAKEN = {"detail": "Email or username already taken"}
POSTS = "/api/v1/posts/"
POST_NOT_FOUND = {"detail": "Post not found"}
SUMMARY_FIELDS = frozenset({"id", "username", "full_name"})
COMMENT_FIELDS = frozenset({"id", "post_id", "author_id", "content", "created_at"})
JSON = {"Content-Type": "application/json"}
# Ids no row can have: past any sequence, past 32 and 64 bits, and not positive.
MISSING_IDS = (10**6, 2**31, 2**63, 2**64, 0, -1)
NOT_INTEGERS = ("abc", "1.5", "1e3", "one")


def user_url(user_id: int | str, suffix: str = "") -> str:
    return f"/api/v1/users/{user_id}{suffix}"


def email_for(username: str) -> str:
    return f"{username.lower()}@example.com"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Account:
    """A registered user with a live token."""

    id: int
    username: str
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


async def register(
    client: httpx.AsyncClient,
    username: str,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    full_name: str | None = None,
) -> dict[str, Any]:
    """Register over HTTP; assert 201 and return the UserResponse."""
    body: dict[str, Any] = {"email": email or email_for(username), "username": username, "password": password}
    if full_name is not None:
        body["full_name"] = full_name
    response = await client.post(USERS, json=body)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


async def login(client: httpx.AsyncClient, login_name: str, password: str = PASSWORD) -> str:
    """Log in with the OAuth2 password form; assert 200 and return the access token."""
    response = await client.post(TOKEN, data={"username": login_name, "password": password})
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert isinstance(token, str)
    return token


async def sign_up(
    client: httpx.AsyncClient, username: str, *, password: str = PASSWORD, full_name: str | None = None
) -> Account:
    """Register and log in."""
    user = await register(client, username, password=password, full_name=full_name)
    token = await login(client, username, password)
    return Account(id=user["id"], username=username, email=user["email"], password=password, token=token)


async def make_superuser(client: httpx.AsyncClient, container: Container, username: str = "root") -> Account:
    """Create a superuser through the container's use case, then log in over HTTP."""
    user = await container.create_superuser().execute(
        CreateSuperuserCommand(email=email_for(username), username=username, password=PASSWORD)
    )
    token = await login(client, username)
    return Account(id=user.id, username=username, email=user.email, password=PASSWORD, token=token)


async def all_users(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get(USERS, params={"limit": 1000})
    assert response.status_code == 200, response.text
    users: list[dict[str, Any]] = response.json()
    return users


async def user_count(client: httpx.AsyncClient) -> int:
    return len(await all_users(client))


async def fetch_user(client: httpx.AsyncClient, user_id: int) -> dict[str, Any]:
    response = await client.get(user_url(user_id))
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


async def set_active(client: httpx.AsyncClient, superuser: Account, user_id: int, active: bool) -> None:
    response = await client.patch(user_url(user_id), json={"is_active": active}, headers=superuser.headers)
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is active


def assert_unauthenticated(response: httpx.Response) -> None:
    """401 with the bearer challenge, as the contract asks wherever auth is needed."""
    assert response.status_code == 401, response.text
    assert response.headers.get("www-authenticate") == "Bearer"


def assert_client_error(response: httpx.Response) -> None:
    """A 4xx whose JSON says why: never a 500."""
    assert 400 <= response.status_code < 500, f"{response.status_code}: {response.text}"
    assert "detail" in response.json()


def ids_of(users: list[dict[str, Any]]) -> list[int]:
    return [user["id"] for user in users]


async def stored_rows(
    container: Container, table: Literal["posts", "comments", "follows"], *, author_id: int | None = None
) -> int:
    """How many rows the store holds in a table (of one author, if given): what HTTP cannot
    show yet, or no longer shows once a parent is gone."""
    database = container.database()
    if isinstance(database, InMemoryStore):
        rows = getattr(database.committed, table).values()
        return sum(1 for row in rows if author_id is None or row.author_id == author_id)
    assert isinstance(database, SqlAlchemyDatabase)
    statement = f"SELECT count(*) FROM {table}" + ("" if author_id is None else " WHERE author_id = :author_id")
    async with database.read_one() as connection:
        count = (await connection.execute(text(statement), {"author_id": author_id})).scalar_one()
    assert isinstance(count, int)
    return count


def describe(response: httpx.Response) -> str:
    return f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text[:300]}"


class Cases:
    """Checks many cases in one test and reports every failing one at once (cheaper than a
    parametrized test per case, which would pay for a fresh app and database each time)."""

    def __init__(self) -> None:
        self.failures: dict[str, list[str]] = {}

    def check(self, case: str, ok: bool, why: str) -> None:
        if not ok:
            self.failures.setdefault(case, []).append(why)

    def expect_status(self, case: str, response: httpx.Response, *statuses: int) -> None:
        self.check(case, response.status_code in statuses, f"expected {statuses}: {describe(response)}")

    def expect_client_error(self, case: str, response: httpx.Response) -> None:
        """A 4xx whose JSON says why."""
        ok = 400 <= response.status_code < 500
        self.check(case, ok, f"expected a 4xx: {describe(response)}")
        if ok:
            self.check(case, "detail" in response.json(), f"no detail: {describe(response)}")

    def expect_validation_error(self, case: str, response: httpx.Response) -> None:
        """FastAPI's 422 shape: a non-empty list of errors, each with loc, msg and type."""
        self.expect_status(case, response, 422)
        if response.status_code == 422:
            self.check(case, _is_validation_error(response.json()), describe(response))

    def assert_all_passed(self) -> None:
        assert self.failures == {}, "\n".join(f"{case}: {why}" for case, why in self.failures.items())


def _is_validation_error(body: Any) -> bool:
    detail = body.get("detail") if isinstance(body, dict) else None
    return (
        isinstance(detail, list)
        and bool(detail)
        and all(isinstance(error, dict) and {"loc", "msg", "type"} <= set(error) for error in detail)
    )


def post_url(post_id: int | str, suffix: str = "") -> str:
    return f"/api/v1/posts/{post_id}{suffix}"


def instant(value: Any) -> datetime:
    """An ISO 8601 timestamp that carries its timezone."""
    assert isinstance(value, str), value
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value} has no timezone"
    return parsed


def summary(account: Account, full_name: str | None = None) -> dict[str, Any]:
    """The UserSummary the API should show for an account."""
    return {"id": account.id, "username": account.username, "full_name": full_name}


async def create_post(
    client: httpx.AsyncClient,
    author: Account,
    title: str = "A title",
    content: str = "Some content",
    published: bool | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"title": title, "content": content}
    if published is not None:
        body["published"] = published
    response = await client.post(POSTS, json=body, headers=author.headers)
    assert response.status_code == 201, describe(response)
    post: dict[str, Any] = response.json()
    return post


async def add_comment(client: httpx.AsyncClient, author: Account, post_id: int, content: str) -> dict[str, Any]:
    response = await client.post(post_url(post_id, "/comments"), json={"content": content}, headers=author.headers)
    assert response.status_code == 201, describe(response)
    comment: dict[str, Any] = response.json()
    return comment


async def get_json(client: httpx.AsyncClient, url: str, *, viewer: Account | None = None, **params: Any) -> Any:
    """GET ``url`` (as ``viewer``, else anonymously); assert 200 and return the JSON."""
    response = await client.get(url, params=params, headers=None if viewer is None else viewer.headers)
    assert response.status_code == 200, describe(response)
    return response.json()


def post_fields(post: dict[str, Any]) -> dict[str, Any]:
    """Only the PostResponse part of a richer post object."""
    return {key: post[key] for key in POST_FIELDS}
