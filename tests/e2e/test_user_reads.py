"""GET /api/v1/users/{id} and /{id}/with-posts: found, not found, bad ids."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.helpers import USER_FIELDS, USER_NOT_FOUND, Cases, describe, register, sign_up, user_url

READ_SUFFIXES = pytest.mark.parametrize("suffix", ["", "/with-posts"], ids=["user", "with-posts"])


async def test_get_user_answers_200_with_the_user_when_the_id_exists(client: httpx.AsyncClient) -> None:
    await register(client, "before")
    user = await register(client, "target", full_name="The Target")
    await register(client, "after")

    response = await client.get(user_url(user["id"]))

    assert response.status_code == 200
    assert response.json() == user


async def test_with_posts_answers_the_user_and_only_their_posts_when_the_id_exists(client: httpx.AsyncClient) -> None:
    other = await register(client, "other")
    user = await register(client, "author")

    response = await client.get(user_url(user["id"], "/with-posts"))

    assert response.status_code == 200
    body = response.json()
    assert {name: body[name] for name in USER_FIELDS} == user
    assert [post["author_id"] for post in body["posts"]] == [user["id"]]
    assert [post["title"] for post in body["posts"]] == ["Welcome author!"]
    other_posts = (await client.get(user_url(other["id"], "/with-posts"))).json()["posts"]
    assert [post["title"] for post in other_posts] == ["Welcome other!"]


@READ_SUFFIXES
async def test_get_user_answers_404_when_the_id_does_not_exist(client: httpx.AsyncClient, suffix: str) -> None:
    user = await register(client, "present")

    response = await client.get(user_url(user["id"] + 1000, suffix))

    assert response.status_code == 404
    assert response.json() == USER_NOT_FOUND


@READ_SUFFIXES
async def test_get_user_answers_404_not_500_when_the_id_is_beyond_any_row(
    client: httpx.AsyncClient, suffix: str
) -> None:
    await register(client, "present")
    cases = Cases()

    for user_id in (99999999999999, 2**31, 2**63, 2**64, 0, -1):
        response = await client.get(user_url(user_id, suffix))
        cases.expect_status(str(user_id), response, 404)
        cases.check(str(user_id), response.status_code != 404 or response.json() == USER_NOT_FOUND, describe(response))

    cases.assert_all_passed()


@READ_SUFFIXES
async def test_get_user_answers_422_when_the_id_is_not_an_integer(client: httpx.AsyncClient, suffix: str) -> None:
    await register(client, "present")
    cases = Cases()

    for user_id in ("abc", "1.5", "1e3", "0x10", "%00", "one"):
        cases.expect_validation_error(user_id, await client.get(user_url(user_id, suffix)))

    cases.assert_all_passed()


async def test_with_posts_answers_404_when_the_user_was_deleted(client: httpx.AsyncClient) -> None:
    ghost = await sign_up(client, "ghost")
    deleted = await client.delete(user_url(ghost.id), headers=ghost.headers)
    assert deleted.status_code == 204

    response = await client.get(user_url(ghost.id, "/with-posts"))

    assert response.status_code == 404
    assert response.json() == USER_NOT_FOUND
