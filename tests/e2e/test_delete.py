"""DELETE /api/v1/users/{id}: who may delete, and what goes with the user."""

from __future__ import annotations

import httpx

from entrypoints.container import Container
from tests.e2e.helpers import (
    USER_NOT_FOUND,
    Cases,
    all_users,
    assert_unauthenticated,
    bearer,
    describe,
    fetch_user,
    ids_of,
    make_superuser,
    register,
    sign_up,
    stored_rows,
    user_url,
)


async def assert_gone(client: httpx.AsyncClient, user_id: int) -> None:
    for suffix in ("", "/with-posts"):
        response = await client.get(user_url(user_id, suffix))
        assert response.status_code == 404, response.text
        assert response.json() == USER_NOT_FOUND
    assert user_id not in ids_of(await all_users(client))


async def test_delete_answers_204_and_removes_the_user_and_their_posts_when_the_user_deletes_themself(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    bob = await register(client, "bob")
    assert await stored_rows(container, "posts", author_id=ada.id) == 1

    response = await client.delete(user_url(ada.id), headers=ada.headers)

    assert response.status_code == 204
    assert response.content == b""
    await assert_gone(client, ada.id)
    assert await stored_rows(container, "posts", author_id=ada.id) == 0
    assert await stored_rows(container, "posts", author_id=bob["id"]) == 1
    assert await fetch_user(client, bob["id"]) == bob


async def test_delete_answers_403_and_keeps_the_user_when_another_non_superuser_tries(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    mallory = await sign_up(client, "mallory")
    before = await fetch_user(client, ada.id)

    response = await client.delete(user_url(ada.id), headers=mallory.headers)

    assert response.status_code == 403, response.text
    assert await fetch_user(client, ada.id) == before
    assert await stored_rows(container, "posts", author_id=ada.id) == 1
    assert (await client.get("/api/v1/users/me", headers=ada.headers)).status_code == 200


async def test_delete_answers_204_and_removes_the_user_when_a_superuser_deletes_them(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ada = await sign_up(client, "ada")

    response = await client.delete(user_url(ada.id), headers=root.headers)

    assert response.status_code == 204
    await assert_gone(client, ada.id)
    assert await stored_rows(container, "posts", author_id=ada.id) == 0
    assert (await client.get("/api/v1/users/me", headers=root.headers)).status_code == 200


async def test_register_succeeds_again_when_the_deleted_users_email_and_username_are_reused(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    assert (await client.delete(user_url(ada.id), headers=ada.headers)).status_code == 204

    again = await register(client, "ada", email=ada.email)

    assert again["username"] == "ada"
    assert again["email"] == ada.email
    assert_unauthenticated(await client.get("/api/v1/users/me", headers=ada.headers))
    posts = (await client.get(user_url(again["id"], "/with-posts"))).json()["posts"]
    assert [post["title"] for post in posts] == ["Welcome ada!"]


async def test_delete_answers_404_when_a_superuser_deletes_a_missing_user(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    await register(client, "bystander")
    cases = Cases()

    for missing_id in (10**6, 99999999999999, 2**63):
        response = await client.delete(user_url(missing_id), headers=root.headers)
        cases.expect_status(str(missing_id), response, 404)
        cases.check(
            str(missing_id), response.status_code != 404 or response.json() == USER_NOT_FOUND, describe(response)
        )

    cases.assert_all_passed()
    assert len(await all_users(client)) == 2


async def test_delete_answers_404_when_a_superuser_deletes_the_same_user_twice(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ada = await register(client, "ada")
    assert (await client.delete(user_url(ada["id"]), headers=root.headers)).status_code == 204

    response = await client.delete(user_url(ada["id"]), headers=root.headers)

    assert response.status_code == 404
    assert response.json() == USER_NOT_FOUND


async def test_delete_answers_401_and_keeps_the_user_when_no_token_is_sent(client: httpx.AsyncClient) -> None:
    ada = await register(client, "ada")

    response = await client.delete(user_url(ada["id"]))

    assert_unauthenticated(response)
    assert await fetch_user(client, ada["id"]) == ada


async def test_delete_answers_401_and_keeps_the_user_when_the_token_is_garbage(client: httpx.AsyncClient) -> None:
    ada = await register(client, "ada")

    response = await client.delete(user_url(ada["id"]), headers=bearer("garbage"))

    assert_unauthenticated(response)
    assert await fetch_user(client, ada["id"]) == ada


async def test_delete_answers_422_when_the_id_is_not_an_integer(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")
    cases = Cases()

    for user_id in ("abc", "1.5"):
        response = await client.delete(user_url(user_id), headers=ada.headers)
        cases.expect_status(user_id, response, 422)

    cases.assert_all_passed()
    assert (await fetch_user(client, ada.id))["id"] == ada.id
