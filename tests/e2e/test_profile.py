"""GET /api/v1/users/{id}/profile: a user with their posts and comments, followers and following."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.helpers import (
    COMMENT_FIELDS,
    MISSING_IDS,
    NOT_INTEGERS,
    PASSWORD,
    POST_FIELDS,
    SUMMARY_FIELDS,
    USER_FIELDS,
    USER_NOT_FOUND,
    Cases,
    add_comment,
    create_post,
    describe,
    fetch_user,
    get_json,
    post_fields,
    post_url,
    sign_up,
    summary,
    user_url,
)

PROFILE_FIELDS = USER_FIELDS | {"posts", "followers", "following"}


def profile_url(user_id: int | str) -> str:
    return user_url(user_id, "/profile")


def keys_and_strings(value: Any) -> list[str]:
    """Every key and every string anywhere in a JSON value."""
    if isinstance(value, dict):
        return [item for key, inner in value.items() for item in (key, *keys_and_strings(inner))]
    if isinstance(value, list):
        return [item for inner in value for item in keys_and_strings(inner)]
    return [value] if isinstance(value, str) else []


async def test_profile_answers_the_user_with_their_posts_and_comments_followers_and_following(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    bob = await sign_up(client, "bob")
    cyd = await sign_up(client, "cyd", full_name="Cyd Twombly")
    draft = await create_post(client, ada, title="Draft")
    out = await create_post(client, ada, title="Out", published=True)
    bob_post = await create_post(client, bob, published=True)
    # Only ada (or a superuser) may comment on her draft; bob comments on her published post.
    on_draft = [await add_comment(client, ada, draft["id"], "ada's note on the draft")]
    on_out = [
        await add_comment(client, bob, out["id"], "bob on the published post"),
        await add_comment(client, ada, out["id"], "ada answers"),
    ]
    await add_comment(client, ada, bob_post["id"], "ada elsewhere")
    for follower in (cyd, bob):
        assert (await client.post(user_url(ada.id, "/follow"), headers=follower.headers)).status_code == 204
    assert (await client.post(user_url(cyd.id, "/follow"), headers=ada.headers)).status_code == 204

    profile = await get_json(client, profile_url(ada.id), viewer=ada)

    assert set(profile) == PROFILE_FIELDS
    assert {key: profile[key] for key in USER_FIELDS} == await fetch_user(client, ada.id)
    all_posts = (await get_json(client, user_url(ada.id, "/with-posts"), viewer=ada))["posts"]
    assert [post["id"] for post in all_posts] == [all_posts[0]["id"], draft["id"], out["id"]]
    assert [post_fields(post) for post in profile["posts"]] == all_posts
    for post in profile["posts"]:
        assert set(post) == POST_FIELDS | {"comments"}
        assert all(set(comment) == COMMENT_FIELDS for comment in post["comments"])
        assert post["comments"] == await get_json(client, post_url(post["id"], "/comments"), viewer=ada)
    assert [post["comments"] for post in profile["posts"]] == [[], on_draft, on_out]
    assert profile["followers"] == [summary(bob), summary(cyd, "Cyd Twombly")]
    assert profile["following"] == [summary(cyd, "Cyd Twombly")]
    assert all(set(user) == SUMMARY_FIELDS for user in profile["followers"] + profile["following"])
    assert await get_json(client, profile_url(ada.id) + "/", viewer=ada) == profile


async def test_profile_of_a_new_user_holds_only_their_welcome_post_and_no_follow_links(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")

    profile = await get_json(client, profile_url(ada.id))

    assert set(profile) == PROFILE_FIELDS
    assert [(post["title"], post["published"], post["comments"]) for post in profile["posts"]] == [
        ("Welcome ada!", True, [])
    ]
    assert (profile["followers"], profile["following"]) == ([], [])


async def test_profile_answers_404_user_not_found_for_an_unknown_user_and_422_for_a_non_integer_id(
    client: httpx.AsyncClient,
) -> None:
    gone = await sign_up(client, "gone")
    assert (await client.delete(user_url(gone.id), headers=gone.headers)).status_code == 204
    cases = Cases()

    for user_id in (*MISSING_IDS, gone.id):
        response = await client.get(profile_url(user_id))
        cases.expect_status(str(user_id), response, 404)
        cases.check(str(user_id), response.status_code != 404 or response.json() == USER_NOT_FOUND, describe(response))
    for bad_id in NOT_INTEGERS:
        cases.expect_status(bad_id, await client.get(profile_url(bad_id)), 422)

    cases.assert_all_passed()


async def test_profile_carries_no_password_or_password_hash_anywhere(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    bob = await sign_up(client, "bob", password="another-secret-7")
    post = await create_post(client, ada, published=True)
    await add_comment(client, bob, post["id"], "hello")
    assert (await client.post(user_url(ada.id, "/follow"), headers=bob.headers)).status_code == 204
    assert (await client.post(user_url(bob.id, "/follow"), headers=ada.headers)).status_code == 204

    for user in (ada, bob):
        response = await client.get(profile_url(user.id), headers=user.headers)  # drafts and all
        assert response.status_code == 200, response.text
        assert response.json()["followers"] and response.json()["following"]
        for item in keys_and_strings(response.json()):
            assert "password" not in item.lower(), item
            assert "hash" not in item.lower(), item
            assert not item.startswith("$argon2"), item
        for secret in (PASSWORD, "another-secret-7", "$argon2", ada.token, bob.token):
            assert secret not in response.text
