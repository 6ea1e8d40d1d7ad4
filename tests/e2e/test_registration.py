"""POST /api/v1/users/: registration, its welcome post, duplicates and validation."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from entrypoints.container import Container
from tests.e2e.helpers import (
    ALREADY_REGISTERED,
    PASSWORD,
    POST_FIELDS,
    USER_FIELDS,
    USERS,
    Cases,
    describe,
    register,
    stored_rows,
    user_count,
    user_url,
)

SECRET = "Pa55-never-echoed-7"
VALID_BODY: dict[str, Any] = {"email": "ada@example.com", "username": "ada", "password": SECRET}
MISSING = object()


def body_with(**changes: object) -> dict[str, Any]:
    """The valid body with some fields replaced, or removed when given ``MISSING``."""
    body = dict(VALID_BODY)
    for name, value in changes.items():
        if value is MISSING:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def parse_utc(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() == timedelta(0), value
    return parsed


async def test_register_answers_201_with_every_user_field_when_the_body_is_valid(client: httpx.AsyncClient) -> None:
    response = await client.post(
        USERS,
        json={"email": "ada@example.com", "username": "ada", "password": SECRET, "full_name": "Ada Lovelace"},
    )

    assert response.status_code == 201, response.text
    user = response.json()
    assert set(user) == USER_FIELDS
    assert type(user["id"]) is int
    assert user["id"] >= 1
    assert user["email"] == "ada@example.com"
    assert user["username"] == "ada"
    assert user["full_name"] == "Ada Lovelace"
    assert user["is_active"] is True
    assert user["is_superuser"] is False
    assert parse_utc(user["created_at"]) <= parse_utc(user["updated_at"])
    assert SECRET not in response.text
    assert "$argon2" not in response.text


async def test_register_answers_null_full_name_when_full_name_is_left_out(client: httpx.AsyncClient) -> None:
    user = await register(client, "nameless")

    assert user["full_name"] is None


async def test_get_user_returns_what_registration_returned_when_the_user_is_read_back(
    client: httpx.AsyncClient,
) -> None:
    user = await register(client, "echo", full_name="Echo Location")

    response = await client.get(user_url(user["id"]))

    assert response.status_code == 200
    assert response.json() == user


async def test_register_creates_a_published_welcome_post_when_a_user_registers(client: httpx.AsyncClient) -> None:
    user = await register(client, "grace")

    response = await client.get(user_url(user["id"], "/with-posts"))

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == USER_FIELDS | {"posts"}
    assert {name: body[name] for name in USER_FIELDS} == user
    [post] = body["posts"]
    assert set(post) == POST_FIELDS
    assert post["title"] == "Welcome grace!"
    assert post["published"] is True
    assert post["author_id"] == user["id"]
    assert isinstance(post["content"], str)
    assert post["content"]
    parse_utc(post["created_at"])
    parse_utc(post["updated_at"])


async def test_register_answers_400_when_the_email_is_taken_in_another_case(client: httpx.AsyncClient) -> None:
    await register(client, "first", email="dup@example.com")

    response = await client.post(USERS, json={"email": "DUP@Example.COM", "username": "second", "password": PASSWORD})

    assert response.status_code == 400
    assert response.json() == ALREADY_REGISTERED
    assert await user_count(client) == 1


async def test_register_answers_400_when_the_email_is_taken_exactly(client: httpx.AsyncClient) -> None:
    await register(client, "first", email="same@example.com")

    response = await client.post(USERS, json={"email": "same@example.com", "username": "second", "password": PASSWORD})

    assert response.status_code == 400
    assert response.json() == ALREADY_REGISTERED
    assert await user_count(client) == 1


async def test_register_answers_400_when_the_username_is_taken(client: httpx.AsyncClient, container: Container) -> None:
    await register(client, "taken", email="one@example.com")

    response = await client.post(USERS, json={"email": "two@example.com", "username": "taken", "password": PASSWORD})

    assert response.status_code == 400
    assert response.json() == ALREADY_REGISTERED
    assert await user_count(client) == 1
    assert await stored_rows(container, "posts") == 1


async def test_register_answers_one_201_and_400s_when_registrations_of_one_username_race(
    client: httpx.AsyncClient, container: Container
) -> None:
    bodies = [{"email": f"racer{n}@example.com", "username": "racer", "password": PASSWORD} for n in range(5)]

    responses = await asyncio.gather(*(client.post(USERS, json=body) for body in bodies))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 400, 400, 400, 400], [response.text for response in responses]
    assert all(response.json() == ALREADY_REGISTERED for response in responses if response.status_code == 400)
    assert await user_count(client) == 1
    assert await stored_rows(container, "posts") == 1


async def test_register_answers_one_201_and_400s_when_registrations_of_one_email_race_in_different_cases(
    client: httpx.AsyncClient,
) -> None:
    emails = ["race@example.com", "RACE@example.com", "Race@Example.com", "race@EXAMPLE.COM"]
    bodies = [{"email": email, "username": f"runner{n}", "password": PASSWORD} for n, email in enumerate(emails)]

    responses = await asyncio.gather(*(client.post(USERS, json=body) for body in bodies))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 400, 400, 400], [response.text for response in responses]
    assert await user_count(client) == 1


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"email": "a" * 1 + "@example.com", "username": "abc", "password": "p" * 8}, id="minimums"),
        pytest.param(
            {"email": "max@example.com", "username": "u" * 100, "password": "p" * 100, "full_name": "f" * 255},
            id="maximums",
        ),
        pytest.param(
            {"email": "empty@example.com", "username": "emptyname", "password": PASSWORD, "full_name": ""},
            id="empty-full-name",
        ),
    ],
)
async def test_register_answers_201_when_every_field_is_at_its_length_limit(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post(USERS, json=body)

    assert response.status_code == 201, response.text
    user = response.json()
    assert user["username"] == body["username"]
    assert user["full_name"] == body.get("full_name")


OUT_OF_BOUNDS = {
    "email-without-at": body_with(email="not-an-email"),
    "email-without-domain": body_with(email="ada@"),
    "email-without-local-part": body_with(email="@example.com"),
    "username-2-chars": body_with(username="ab"),
    "username-101-chars": body_with(username="u" * 101),
    "password-7-chars": body_with(password="Qz7#kp1"),
    "password-101-chars": body_with(password="Pw9-" * 25 + "x"),
    "full-name-256-chars": body_with(full_name="f" * 256),
}
WRONG_TYPES = {
    "email-list": body_with(email=["ada@example.com"]),
    "username-int": body_with(username=12345),
    "password-int": body_with(password=918273645),
    "password-bool": body_with(password=True),
    "full-name-object": body_with(full_name={"first": "Ada"}),
    "username-null": body_with(username=None),
    "email-null": body_with(email=None),
    "password-null": body_with(password=None),
}
UNKNOWN_FIELDS = {
    "is-superuser": body_with(is_superuser=True),
    "is-active": body_with(is_active=False),
    "id": body_with(id=7),
    "hashed-password": body_with(hashed_password="$argon2id$v=19$forged"),
}
MISSING_FIELDS = {name: body_with(**{name: MISSING}) for name in ("email", "username", "password")}
MALFORMED_JSON = {
    "unterminated": b'{"email": "ada@example.com", "username": "ada", "password": "' + SECRET.encode(),
    "trailing-comma": b'{"email": "ada@example.com", "username": "ada",}',
    "single-quotes": b"{'email': 'ada@example.com'}",
    "empty": b"",
}
NOT_OBJECTS = {
    "list": b"[]",
    "string": b'"ada"',
    "int": b"42",
    "null": b"null",
    "nested": b'[{"email": "ada@example.com"}]',
}


async def check_rejected(client: httpx.AsyncClient, bodies: dict[str, dict[str, Any]]) -> None:
    """Each body is refused with FastAPI's 422 shape, and nobody is registered."""
    cases = Cases()
    for case, body in bodies.items():
        cases.expect_validation_error(case, await client.post(USERS, json=body))
    cases.assert_all_passed()
    assert await user_count(client) == 0


async def test_register_answers_422_when_a_field_is_out_of_bounds(client: httpx.AsyncClient) -> None:
    await check_rejected(client, OUT_OF_BOUNDS)


async def test_register_answers_422_when_a_field_has_the_wrong_type(client: httpx.AsyncClient) -> None:
    await check_rejected(client, WRONG_TYPES)


async def test_register_answers_422_when_the_body_has_an_unknown_field(client: httpx.AsyncClient) -> None:
    await check_rejected(client, UNKNOWN_FIELDS)


async def test_register_answers_422_when_a_required_field_is_missing(client: httpx.AsyncClient) -> None:
    await check_rejected(client, MISSING_FIELDS)


async def check_raw_rejected(client: httpx.AsyncClient, raws: dict[str, bytes]) -> None:
    cases = Cases()
    for case, raw in raws.items():
        response = await client.post(USERS, content=raw, headers={"Content-Type": "application/json"})
        cases.expect_validation_error(case, response)
        cases.check(case, SECRET not in response.text, f"password echoed: {describe(response)}")
    cases.assert_all_passed()
    assert await user_count(client) == 0


async def test_register_answers_422_when_the_json_is_malformed(client: httpx.AsyncClient) -> None:
    await check_raw_rejected(client, MALFORMED_JSON)


async def test_register_answers_422_when_the_body_is_not_an_object(client: httpx.AsyncClient) -> None:
    await check_raw_rejected(client, NOT_OBJECTS)


SECRET_ECHO_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "bad-email": (body_with(email="not-an-email"), SECRET),
    "short-username": (body_with(username="ab"), SECRET),
    "unknown-field": (body_with(is_superuser=True), SECRET),
    "short-password": (body_with(password="Qz7#kp1"), "Qz7#kp1"),
    "long-password": (body_with(password="Long-Secret-" * 9), "Long-Secret-" * 9),
    "int-password": (body_with(password=918273645), "918273645"),
    "nul-password": (body_with(password="Nul\x00Secret-pw"), "Secret-pw"),
    "missing-email": (body_with(email=MISSING), SECRET),
}


async def test_register_422_never_contains_the_password_when_validation_fails(client: httpx.AsyncClient) -> None:
    cases = Cases()
    for case, (body, password) in SECRET_ECHO_CASES.items():
        response = await client.post(USERS, json=body)
        cases.expect_status(case, response, 422)
        cases.check(case, password not in response.text, f"password echoed: {describe(response)}")
    cases.assert_all_passed()


@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/users/"])
async def test_register_answers_201_without_redirect_when_posting_with_or_without_trailing_slash(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.post(path, json=VALID_BODY)

    assert response.status_code == 201, response.text
    assert response.json()["username"] == "ada"


async def test_list_answers_the_same_without_redirect_when_the_trailing_slash_is_left_off(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "slash")

    without = await client.get("/api/v1/users")
    with_slash = await client.get("/api/v1/users/")

    assert without.status_code == 200
    assert with_slash.status_code == 200
    assert without.json() == with_slash.json()
    assert [user["username"] for user in without.json()] == ["slash"]


async def test_search_answers_the_same_without_redirect_when_a_trailing_slash_is_added(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "slash")

    without = await client.get("/api/v1/users/search", params={"q": "sla"})
    with_slash = await client.get("/api/v1/users/search/", params={"q": "sla"})

    assert without.status_code == 200
    assert with_slash.status_code == 200
    assert without.json() == with_slash.json()
    assert len(without.json()) == 1
