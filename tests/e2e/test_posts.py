"""Posts over HTTP: create, list, read, update and delete, on every backend."""

from __future__ import annotations

from typing import Any

import httpx

from entrypoints.container import Container
from tests.e2e.helpers import (
    COMMENT_FIELDS,
    JSON,
    MISSING_IDS,
    NOT_INTEGERS,
    POST_FIELDS,
    POST_NOT_FOUND,
    POSTS,
    Account,
    Cases,
    add_comment,
    assert_unauthenticated,
    bearer,
    create_post,
    describe,
    get_json,
    instant,
    make_superuser,
    post_fields,
    post_url,
    sign_up,
    stored_rows,
    summary,
)


async def listed_ids(client: httpx.AsyncClient, *, viewer: Account | None = None, **params: Any) -> list[int]:
    posts = await get_json(client, POSTS, viewer=viewer, **params)
    return [post["id"] for post in posts]


# --- POST /api/v1/posts/ ---------------------------------------------------------------


async def test_create_post_answers_201_with_a_post_by_the_caller_that_is_unpublished_by_default(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")

    response = await client.post(POSTS, json={"title": "First", "content": "Hello"}, headers=ada.headers)

    assert response.status_code == 201, response.text
    post = response.json()
    assert set(post) == POST_FIELDS
    assert isinstance(post["id"], int)
    assert (post["title"], post["content"], post["published"], post["author_id"]) == ("First", "Hello", False, ada.id)
    assert instant(post["updated_at"]) >= instant(post["created_at"])
    assert post_fields(await get_json(client, post_url(post["id"]), viewer=ada)) == post
    assert await stored_rows(container, "posts", author_id=ada.id) == 2  # with the welcome post


async def test_create_post_answers_201_without_the_trailing_slash_and_keeps_an_explicit_published_flag(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")

    published = await client.post(
        "/api/v1/posts", json={"title": "Out", "content": "Now", "published": True}, headers=ada.headers
    )
    draft = await client.post(
        "/api/v1/posts", json={"title": "Draft", "content": "Later", "published": False}, headers=ada.headers
    )

    assert published.status_code == 201, published.text
    assert draft.status_code == 201, draft.text
    assert set(published.json()) == POST_FIELDS
    assert (published.json()["published"], published.json()["author_id"]) == (True, ada.id)
    assert draft.json()["published"] is False
    assert draft.json()["id"] > published.json()["id"]
    assert await listed_ids(client, viewer=ada, author_id=ada.id, published=False) == [draft.json()["id"]]


async def test_create_post_answers_401_and_writes_nothing_without_a_valid_token(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    body = {"title": "Nope", "content": "Nope"}
    before = await stored_rows(container, "posts")

    assert_unauthenticated(await client.post(POSTS, json=body))
    assert_unauthenticated(await client.post("/api/v1/posts", json=body))
    assert_unauthenticated(await client.post(POSTS, json=body, headers=bearer("not-a-token")))
    assert_unauthenticated(await client.post(POSTS, json=body, headers={"Authorization": ada.token}))
    assert (await client.post("/api/v1/auth/logout", headers=ada.headers)).status_code == 204
    assert_unauthenticated(await client.post(POSTS, json=body, headers=ada.headers))

    assert await stored_rows(container, "posts") == before


async def test_create_post_answers_422_and_writes_nothing_when_the_body_is_invalid(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    before = await stored_rows(container, "posts")
    valid = {"title": "A title", "content": "Some content"}
    bodies: dict[str, Any] = {
        "empty title": {**valid, "title": ""},
        "title of 256 characters": {**valid, "title": "t" * 256},
        "empty content": {**valid, "content": ""},
        "content of 100001 characters": {**valid, "content": "c" * 100_001},
        "unknown field": {**valid, "colour": "red"},
        "author_id in the body": {**valid, "author_id": bob.id},
        "NUL in title": {**valid, "title": "bad\x00title"},
        "NUL in content": {**valid, "content": "bad\x00content"},
        "missing title": {"content": "Some content"},
        "missing content": {"title": "A title"},
        "null title": {**valid, "title": None},
        "null published": {**valid, "published": None},
        "title is a number": {**valid, "title": 42},
        "published is a list": {**valid, "published": [True]},
        "body is a list": [valid],
    }
    cases = Cases()

    for case, body in bodies.items():
        cases.expect_validation_error(case, await client.post(POSTS, json=body, headers=ada.headers))
    malformed = await client.post(POSTS, content=b'{"title": "A", "content": ', headers={**JSON, **ada.headers})
    cases.expect_status("malformed JSON", malformed, 422)

    cases.assert_all_passed()
    assert await stored_rows(container, "posts") == before


async def test_create_post_accepts_a_title_of_255_characters_and_content_of_100000_characters(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    title, content = "ü" * 255, "ç" * 100_000

    post = await create_post(client, ada, title=title, content=content)

    stored = await get_json(client, post_url(post["id"]), viewer=ada)
    assert (post["title"], post["content"]) == (title, content)
    assert (stored["title"], stored["content"]) == (title, content)


# --- GET /api/v1/posts/ ----------------------------------------------------------------


async def test_list_posts_answers_posts_ordered_by_id_each_with_only_its_authors_summary(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    bob = await sign_up(client, "bob")
    # Interleaved authors, so an order by author or by title would show.
    ada_draft = await create_post(client, ada, title="zz ada draft")
    bob_post = await create_post(client, bob, title="aa bob post", published=True)
    ada_post = await create_post(client, ada, title="mm ada post", published=True)

    with_slash = await get_json(client, POSTS, viewer=ada)
    without_slash = await get_json(client, "/api/v1/posts", viewer=ada)

    assert with_slash == without_slash
    ids = [post["id"] for post in with_slash]
    assert ids == sorted(ids)
    assert len(ids) == 5
    assert ids[2:] == [ada_draft["id"], bob_post["id"], ada_post["id"]]
    authors = {ada.id: summary(ada, "Ada Lovelace"), bob.id: summary(bob)}
    for post in with_slash:
        assert set(post) == POST_FIELDS | {"author"}
        assert post["author"] == authors[post["author_id"]]
    welcomes = with_slash[:2]
    assert [(post["title"], post["published"]) for post in welcomes] == [("Welcome ada!", True), ("Welcome bob!", True)]
    assert [post_fields(post) for post in with_slash[2:]] == [ada_draft, bob_post, ada_post]


async def test_list_posts_filters_by_author_id_and_by_published_alone_and_together(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)  # sees every draft
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    root_welcome, ada_welcome, bob_welcome = await listed_ids(client)
    ada_draft = (await create_post(client, ada))["id"]
    bob_draft = (await create_post(client, bob))["id"]
    ada_out = (await create_post(client, ada, published=True))["id"]
    cases = Cases()
    expected: dict[str, tuple[dict[str, Any], list[int]]] = {
        "ada": ({"author_id": ada.id}, [ada_welcome, ada_draft, ada_out]),
        "bob": ({"author_id": bob.id}, [bob_welcome, bob_draft]),
        "published": ({"published": "true"}, [root_welcome, ada_welcome, bob_welcome, ada_out]),
        "drafts": ({"published": "false"}, [ada_draft, bob_draft]),
        "ada's drafts": ({"author_id": ada.id, "published": "false"}, [ada_draft]),
        "ada's published": ({"author_id": ada.id, "published": "true"}, [ada_welcome, ada_out]),
        "bob's published": ({"author_id": bob.id, "published": "true"}, [bob_welcome]),
        "nobody": ({"author_id": 10**6}, []),
    }

    for case, (params, ids) in expected.items():
        response = await client.get(POSTS, params=params, headers=root.headers)
        cases.expect_status(case, response, 200)
        if response.status_code == 200:
            found = [post["id"] for post in response.json()]
            cases.check(case, found == ids, f"expected {ids}, got {found}")
    for huge in (2**31, 2**63):
        response = await client.get(POSTS, params={"author_id": huge}, headers=root.headers)
        ok = response.status_code == 200 and response.json() == []
        cases.check(f"author_id={huge}", ok or 400 <= response.status_code < 500, describe(response))

    cases.assert_all_passed()


async def test_list_posts_pages_with_skip_and_limit_and_answers_20_posts_by_default(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    for number in range(22):
        await create_post(client, ada, title=f"Post {number}")
    every = await listed_ids(client, viewer=ada, limit=100)
    assert len(every) == 23
    assert every == sorted(every)
    cases = Cases()
    expected: dict[str, tuple[dict[str, Any], list[int]]] = {
        "default": ({}, every[:20]),
        "limit=1": ({"limit": 1}, every[:1]),
        "limit=100": ({"limit": 100}, every),
        "skip=20": ({"skip": 20}, every[20:]),
        "skip=5&limit=3": ({"skip": 5, "limit": 3}, every[5:8]),
        "skip=23": ({"skip": 23}, []),
        "skip far past the end": ({"skip": 10**6}, []),
    }

    for case, (params, ids) in expected.items():
        response = await client.get(POSTS, params=params, headers=ada.headers)
        cases.expect_status(case, response, 200)
        if response.status_code == 200:
            found = [post["id"] for post in response.json()]
            cases.check(case, found == ids, f"expected {ids}, got {found}")

    cases.assert_all_passed()


async def test_list_posts_answers_422_when_a_query_parameter_is_out_of_range_or_of_the_wrong_type(
    client: httpx.AsyncClient,
) -> None:
    await sign_up(client, "ada")
    cases = Cases()
    bad: dict[str, dict[str, Any]] = {
        "limit=0": {"limit": 0},
        "limit=101": {"limit": 101},
        "limit=-1": {"limit": -1},
        "limit=1000": {"limit": 1000},
        "limit=ten": {"limit": "ten"},
        "skip=-1": {"skip": -1},
        "skip=x": {"skip": "x"},
        "author_id=x": {"author_id": "x"},
        "published=maybe": {"published": "maybe"},
    }

    for case, params in bad.items():
        cases.expect_validation_error(case, await client.get(POSTS, params=params))

    cases.assert_all_passed()


# --- GET /api/v1/posts/{id} ------------------------------------------------------------


async def test_get_post_answers_the_post_with_its_authors_summary_and_its_comments_ordered_by_id(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    bob = await sign_up(client, "bob")
    post = await create_post(client, ada, title="Engines", content="Analytical", published=True)
    other = await create_post(client, bob, published=True)
    first = await add_comment(client, bob, post["id"], "first")
    await add_comment(client, ada, other["id"], "elsewhere")
    second = await add_comment(client, ada, post["id"], "second")
    third = await add_comment(client, bob, post["id"], "third")

    found = await get_json(client, post_url(post["id"]), viewer=ada)

    assert set(found) == POST_FIELDS | {"author", "comments"}
    assert post_fields(found) == post
    assert found["author"] == summary(ada, "Ada Lovelace")
    assert found["comments"] == [first, second, third]
    for comment in found["comments"]:
        assert set(comment) == COMMENT_FIELDS
    assert (await get_json(client, post_url(other["id"]), viewer=bob))["comments"][0]["content"] == "elsewhere"
    assert await get_json(client, post_url(post["id"], "/"), viewer=ada) == found


async def test_get_post_answers_404_post_not_found_for_a_missing_id_and_422_for_a_non_integer_id(
    client: httpx.AsyncClient,
) -> None:
    await sign_up(client, "ada")
    cases = Cases()

    for post_id in MISSING_IDS:
        response = await client.get(post_url(post_id))
        cases.expect_status(str(post_id), response, 404)
        cases.check(str(post_id), response.status_code != 404 or response.json() == POST_NOT_FOUND, describe(response))
    for bad_id in NOT_INTEGERS:
        response = await client.get(post_url(bad_id))
        cases.expect_status(bad_id, response, 422)

    cases.assert_all_passed()


# --- PATCH /api/v1/posts/{id} ----------------------------------------------------------


async def test_update_post_changes_only_the_given_fields_when_its_author_edits_it(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    original = await create_post(client, ada, title="Old title", content="Old content")
    previous = original
    steps: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"title": "New title"}, {"title": "New title"}),
        ({"published": True}, {"published": True}),
        ({"content": "New content"}, {"content": "New content"}),
        ({"title": "Both", "published": False}, {"title": "Both", "published": False}),
        ({}, {}),
    ]

    for body, changes in steps:
        response = await client.patch(post_url(original["id"]), json=body, headers=ada.headers)
        assert response.status_code == 200, describe(response)
        updated = response.json()
        assert set(updated) == POST_FIELDS
        unchanged = {key: value for key, value in previous.items() if key not in changes and key != "updated_at"}
        assert {key: updated[key] for key in unchanged} == unchanged, body
        assert {key: updated[key] for key in changes} == changes, body
        assert instant(updated["updated_at"]) >= instant(previous["updated_at"])
        assert instant(updated["updated_at"]) >= instant(updated["created_at"])
        previous = updated

    assert post_fields(await get_json(client, post_url(original["id"]), viewer=ada)) == previous
    assert (previous["title"], previous["content"], previous["published"]) == ("Both", "New content", False)
    assert (previous["id"], previous["author_id"], previous["created_at"]) == (
        original["id"],
        ada.id,
        original["created_at"],
    )


async def test_update_post_answers_403_and_changes_nothing_when_another_user_tries(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    mallory = await sign_up(client, "mallory")
    post = await create_post(client, ada, published=True)

    for body in ({"title": "Mine now"}, {"published": False}, {}):
        response = await client.patch(post_url(post["id"]), json=body, headers=mallory.headers)
        assert response.status_code == 403, describe(response)
        assert "detail" in response.json()

    assert post_fields(await get_json(client, post_url(post["id"]), viewer=ada)) == post


async def test_update_post_answers_401_and_changes_nothing_without_a_valid_token(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    post = await create_post(client, ada)

    assert_unauthenticated(await client.patch(post_url(post["id"]), json={"title": "X"}))
    assert_unauthenticated(await client.patch(post_url(post["id"]), json={"title": "X"}, headers=bearer("forged")))

    assert post_fields(await get_json(client, post_url(post["id"]), viewer=ada)) == post


async def test_update_post_answers_422_and_changes_nothing_when_a_field_is_null_or_invalid(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    post = await create_post(client, ada)
    bodies: dict[str, dict[str, Any]] = {
        "null title": {"title": None},
        "null content": {"content": None},
        "null published": {"published": None},
        "empty title": {"title": ""},
        "title of 256 characters": {"title": "t" * 256},
        "empty content": {"content": ""},
        "content of 100001 characters": {"content": "c" * 100_001},
        "NUL in title": {"title": "a\x00b"},
        "NUL in content": {"content": "a\x00b"},
        "unknown field": {"title": "Fine", "colour": "red"},
        "author_id": {"author_id": 1},
        "published is a list": {"published": [True]},
        "valid title with a null content": {"title": "Fine", "content": None},
    }
    cases = Cases()

    for case, body in bodies.items():
        response = await client.patch(post_url(post["id"]), json=body, headers=ada.headers)
        cases.expect_status(case, response, 422)

    cases.assert_all_passed()
    assert post_fields(await get_json(client, post_url(post["id"]), viewer=ada)) == post


async def test_update_post_answers_404_post_not_found_when_the_post_is_missing(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")
    cases = Cases()

    for post_id in MISSING_IDS:
        response = await client.patch(post_url(post_id), json={"title": "X"}, headers=ada.headers)
        cases.expect_status(str(post_id), response, 404)
        cases.check(str(post_id), response.status_code != 404 or response.json() == POST_NOT_FOUND, describe(response))

    cases.assert_all_passed()


async def test_a_superuser_may_update_and_then_delete_another_users_post(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ada = await sign_up(client, "ada")
    post = await create_post(client, ada, title="Draft")

    updated = await client.patch(
        post_url(post["id"]), json={"title": "Edited", "published": True}, headers=root.headers
    )

    assert updated.status_code == 200, updated.text
    assert (updated.json()["title"], updated.json()["published"], updated.json()["author_id"]) == (
        "Edited",
        True,
        ada.id,
    )
    assert updated.json()["content"] == post["content"]

    deleted = await client.delete(post_url(post["id"]), headers=root.headers)

    assert deleted.status_code == 204, deleted.text
    assert (await client.get(post_url(post["id"]))).status_code == 404
    assert await stored_rows(container, "posts", author_id=ada.id) == 1


# --- DELETE /api/v1/posts/{id} ---------------------------------------------------------


async def test_delete_post_by_its_author_answers_204_and_removes_the_post_with_its_comments(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    post = await create_post(client, ada, published=True)
    kept = await create_post(client, ada, published=True)
    await add_comment(client, bob, post["id"], "one")
    await add_comment(client, ada, post["id"], "two")
    other_comment = await add_comment(client, bob, kept["id"], "stays")

    response = await client.delete(post_url(post["id"]), headers=ada.headers)

    assert response.status_code == 204, response.text
    assert response.content == b""
    gone = await client.get(post_url(post["id"]), headers=ada.headers)
    assert (gone.status_code, gone.json()) == (404, POST_NOT_FOUND)
    comments = await client.get(post_url(post["id"], "/comments"), headers=ada.headers)
    assert (comments.status_code, comments.json()) == (404, POST_NOT_FOUND)
    assert post["id"] not in await listed_ids(client, viewer=ada, limit=100)
    assert await get_json(client, post_url(kept["id"], "/comments"), viewer=ada) == [other_comment]
    assert await stored_rows(container, "comments") == 1
    assert await stored_rows(container, "posts", author_id=ada.id) == 2
    again = await client.delete(post_url(post["id"]), headers=ada.headers)
    assert (again.status_code, again.json()) == (404, POST_NOT_FOUND)


async def test_delete_post_answers_403_and_keeps_the_post_and_its_comments_when_another_user_tries(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    mallory = await sign_up(client, "mallory")
    post = await create_post(client, ada, published=True)
    comment = await add_comment(client, mallory, post["id"], "mine")

    response = await client.delete(post_url(post["id"]), headers=mallory.headers)

    assert response.status_code == 403, response.text
    found = await get_json(client, post_url(post["id"]), viewer=ada)
    assert post_fields(found) == post
    assert found["comments"] == [comment]
    assert await stored_rows(container, "posts", author_id=ada.id) == 2


async def test_delete_post_answers_404_for_a_missing_post_and_401_without_a_valid_token(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    post = await create_post(client, ada)
    cases = Cases()

    for post_id in MISSING_IDS:
        response = await client.delete(post_url(post_id), headers=ada.headers)
        cases.expect_status(str(post_id), response, 404)
        cases.check(str(post_id), response.status_code != 404 or response.json() == POST_NOT_FOUND, describe(response))
    for bad_id in NOT_INTEGERS:
        cases.expect_status(bad_id, await client.delete(post_url(bad_id), headers=ada.headers), 422)
    cases.assert_all_passed()

    assert_unauthenticated(await client.delete(post_url(post["id"])))
    assert_unauthenticated(await client.delete(post_url(post["id"]), headers=bearer("forged")))
    assert post_fields(await get_json(client, post_url(post["id"]), viewer=ada)) == post
    assert await stored_rows(container, "posts", author_id=ada.id) == 2
