"""Comments over HTTP: writing one on a post and listing a post's comments."""

from __future__ import annotations

from typing import Any

import httpx

from entrypoints.container import Container
from tests.e2e.helpers import (
    COMMENT_FIELDS,
    JSON,
    MISSING_IDS,
    NOT_INTEGERS,
    POST_NOT_FOUND,
    Cases,
    add_comment,
    assert_unauthenticated,
    bearer,
    create_post,
    describe,
    get_json,
    instant,
    post_url,
    sign_up,
    stored_rows,
)


def comments_url(post_id: int | str) -> str:
    return post_url(post_id, "/comments")


# --- POST /api/v1/posts/{id}/comments --------------------------------------------------


async def test_add_comment_answers_201_with_a_comment_by_the_caller_on_the_post(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    post = await create_post(client, ada, published=True)

    response = await client.post(comments_url(post["id"]), json={"content": "Nice post"}, headers=bob.headers)

    assert response.status_code == 201, response.text
    comment = response.json()
    assert set(comment) == COMMENT_FIELDS
    assert isinstance(comment["id"], int)
    assert (comment["post_id"], comment["author_id"], comment["content"]) == (post["id"], bob.id, "Nice post")
    instant(comment["created_at"])
    assert await get_json(client, comments_url(post["id"]), viewer=ada) == [comment]
    assert await stored_rows(container, "comments") == 1


async def test_add_comment_answers_201_with_a_trailing_slash_on_an_own_post_and_at_10000_characters(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    post = await create_post(client, ada)
    content = "é" * 10_000

    response = await client.post(comments_url(post["id"]) + "/", json={"content": content}, headers=ada.headers)

    assert response.status_code == 201, response.text
    assert (response.json()["content"], response.json()["author_id"]) == (content, ada.id)
    assert (await get_json(client, post_url(post["id"]), viewer=ada))["comments"] == [response.json()]


async def test_add_comment_answers_404_post_not_found_and_writes_nothing_when_the_post_is_missing(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    deleted = await create_post(client, ada)
    assert (await client.delete(post_url(deleted["id"]), headers=ada.headers)).status_code == 204
    cases = Cases()

    for post_id in (*MISSING_IDS, deleted["id"]):
        response = await client.post(comments_url(post_id), json={"content": "Hello?"}, headers=ada.headers)
        cases.expect_status(str(post_id), response, 404)
        cases.check(str(post_id), response.status_code != 404 or response.json() == POST_NOT_FOUND, describe(response))
    for bad_id in NOT_INTEGERS:
        response = await client.post(comments_url(bad_id), json={"content": "Hello?"}, headers=ada.headers)
        cases.expect_status(bad_id, response, 422)

    cases.assert_all_passed()
    assert await stored_rows(container, "comments") == 0


async def test_add_comment_answers_422_and_writes_nothing_when_the_body_is_invalid(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    post = await create_post(client, ada)
    other = await create_post(client, ada)
    bodies: dict[str, Any] = {
        "empty content": {"content": ""},
        "content of 10001 characters": {"content": "c" * 10_001},
        "NUL in content": {"content": "a\x00b"},
        "null content": {"content": None},
        "missing content": {},
        "content is a number": {"content": 7},
        "unknown field": {"content": "Fine", "mood": "happy"},
        "post_id in the body": {"content": "Fine", "post_id": other["id"]},
        "author_id in the body": {"content": "Fine", "author_id": ada.id},
        "body is a string": "Fine",
    }
    cases = Cases()

    for case, body in bodies.items():
        cases.expect_validation_error(case, await client.post(comments_url(post["id"]), json=body, headers=ada.headers))
    malformed = await client.post(comments_url(post["id"]), content=b'{"content": ', headers={**JSON, **ada.headers})
    cases.expect_status("malformed JSON", malformed, 422)

    cases.assert_all_passed()
    assert await stored_rows(container, "comments") == 0


async def test_add_comment_answers_401_and_writes_nothing_without_a_valid_token(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    post = await create_post(client, ada)
    body = {"content": "Anonymous"}

    assert_unauthenticated(await client.post(comments_url(post["id"]), json=body))
    assert_unauthenticated(await client.post(comments_url(post["id"]), json=body, headers=bearer("forged")))
    assert_unauthenticated(await client.post(comments_url(post["id"]), json=body, headers={"Authorization": "Bearer"}))

    assert await stored_rows(container, "comments") == 0


# --- GET /api/v1/posts/{id}/comments ---------------------------------------------------


async def test_list_comments_answers_only_the_posts_comments_ordered_by_id_with_skip_and_limit(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    post = await create_post(client, ada, published=True)
    other = await create_post(client, bob, published=True)
    comments: list[dict[str, Any]] = []
    for number in range(5):
        author = (ada, bob)[number % 2]
        comments.append(await add_comment(client, author, post["id"], f"comment {number}"))
        await add_comment(client, author, other["id"], f"elsewhere {number}")
    cases = Cases()
    expected: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {
        "all": ({}, comments),
        "skip=1&limit=2": ({"skip": 1, "limit": 2}, comments[1:3]),
        "limit=1": ({"limit": 1}, comments[:1]),
        "skip=4": ({"skip": 4}, comments[4:]),
        "skip=5": ({"skip": 5}, []),
        "skip far past the end": ({"skip": 10**6}, []),
    }

    for case, (params, wanted) in expected.items():
        response = await client.get(comments_url(post["id"]), params=params, headers=ada.headers)
        cases.expect_status(case, response, 200)
        if response.status_code == 200:
            found = response.json()
            cases.check(case, found == wanted, f"expected {[c['id'] for c in wanted]}, got {found}")
    bad_params: dict[str, dict[str, Any]] = {
        "limit=0": {"limit": 0},
        "skip=-1": {"skip": -1},
        "limit=x": {"limit": "x"},
    }
    for case, bad in bad_params.items():
        cases.expect_client_error(case, await client.get(comments_url(post["id"]), params=bad, headers=ada.headers))

    cases.assert_all_passed()
    ids = [comment["id"] for comment in comments]
    assert ids == sorted(ids)
    assert all(set(comment) == COMMENT_FIELDS and comment["post_id"] == post["id"] for comment in comments)
    assert await get_json(client, comments_url(post["id"]) + "/", viewer=ada) == comments
    quiet = await create_post(client, bob)
    assert await get_json(client, comments_url(quiet["id"]), viewer=bob) == []


async def test_list_comments_answers_404_post_not_found_for_a_missing_post_and_422_for_a_non_integer_id(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    deleted = await create_post(client, ada)
    assert (await client.delete(post_url(deleted["id"]), headers=ada.headers)).status_code == 204
    cases = Cases()

    for post_id in (*MISSING_IDS, deleted["id"]):
        response = await client.get(comments_url(post_id), headers=ada.headers)
        cases.expect_status(str(post_id), response, 404)
        cases.check(str(post_id), response.status_code != 404 or response.json() == POST_NOT_FOUND, describe(response))
    for bad_id in NOT_INTEGERS:
        cases.expect_status(bad_id, await client.get(comments_url(bad_id)), 422)

    cases.assert_all_passed()
