"""Follow links over HTTP: follow, unfollow, the followers and following lists, and what
deleting a user takes with them."""

from __future__ import annotations

from typing import Any

import httpx

from entrypoints.container import Container
from tests.e2e.helpers import (
    MISSING_IDS,
    NOT_INTEGERS,
    POSTS,
    SUMMARY_FIELDS,
    USER_NOT_FOUND,
    Account,
    Cases,
    add_comment,
    assert_unauthenticated,
    bearer,
    create_post,
    describe,
    get_json,
    post_url,
    sign_up,
    stored_rows,
    summary,
    user_url,
)


def follow_url(user_id: int | str) -> str:
    return user_url(user_id, "/follow")


async def follow(client: httpx.AsyncClient, follower: Account, followee: Account) -> None:
    response = await client.post(follow_url(followee.id), headers=follower.headers)
    assert response.status_code == 204, describe(response)


async def followers(client: httpx.AsyncClient, user: Account, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await get_json(client, user_url(user.id, "/followers"), **params)
    return found


async def following(client: httpx.AsyncClient, user: Account, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await get_json(client, user_url(user.id, "/following"), **params)
    return found


# --- POST /api/v1/users/{id}/follow ----------------------------------------------------


async def test_follow_answers_204_and_following_again_still_answers_204_with_a_single_link(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob", full_name="Bob Builder")

    first = await client.post(follow_url(bob.id), headers=ada.headers)
    second = await client.post(follow_url(bob.id), headers=ada.headers)

    assert (first.status_code, first.content) == (204, b""), first.text
    assert (second.status_code, second.content) == (204, b""), second.text
    assert await followers(client, bob) == [summary(ada)]
    assert await following(client, ada) == [summary(bob, "Bob Builder")]
    assert await followers(client, ada) == []
    assert await following(client, bob) == []
    assert await stored_rows(container, "follows") == 1


async def test_follow_answers_400_and_links_nothing_when_a_user_follows_themself(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")

    response = await client.post(follow_url(ada.id), headers=ada.headers)

    assert response.status_code == 400, response.text
    assert isinstance(response.json()["detail"], str)
    assert await followers(client, ada) == []
    assert await following(client, ada) == []
    assert await stored_rows(container, "follows") == 0


async def test_follow_answers_404_user_not_found_for_an_unknown_user_and_401_without_a_valid_token(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    cases = Cases()

    for user_id in MISSING_IDS:
        response = await client.post(follow_url(user_id), headers=ada.headers)
        cases.expect_status(str(user_id), response, 404)
        cases.check(str(user_id), response.status_code != 404 or response.json() == USER_NOT_FOUND, describe(response))
    for bad_id in NOT_INTEGERS:
        cases.expect_status(bad_id, await client.post(follow_url(bad_id), headers=ada.headers), 422)
    cases.assert_all_passed()

    assert_unauthenticated(await client.post(follow_url(bob.id)))
    assert_unauthenticated(await client.post(follow_url(bob.id), headers=bearer("forged")))
    assert await followers(client, bob) == []
    assert await stored_rows(container, "follows") == 0


# --- DELETE /api/v1/users/{id}/follow --------------------------------------------------


async def test_unfollow_answers_204_removes_only_that_link_and_answers_204_again_when_repeated(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    cyd = await sign_up(client, "cyd")
    await follow(client, ada, bob)
    await follow(client, bob, ada)
    await follow(client, ada, cyd)

    first = await client.delete(follow_url(bob.id), headers=ada.headers)
    again = await client.delete(follow_url(bob.id), headers=ada.headers)
    never = await client.delete(follow_url(ada.id), headers=cyd.headers)

    for response in (first, again, never):
        assert (response.status_code, response.content) == (204, b""), describe(response)
    assert await following(client, ada) == [summary(cyd)]
    assert await followers(client, bob) == []
    assert await following(client, bob) == [summary(ada)]
    assert await followers(client, ada) == [summary(bob)]
    assert await stored_rows(container, "follows") == 2
    await follow(client, ada, bob)
    assert await followers(client, bob) == [summary(ada)]


async def test_unfollow_answers_404_user_not_found_for_an_unknown_user_and_401_without_a_valid_token(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    await follow(client, ada, bob)
    cases = Cases()

    for user_id in MISSING_IDS:
        response = await client.delete(follow_url(user_id), headers=ada.headers)
        cases.expect_status(str(user_id), response, 404)
        cases.check(str(user_id), response.status_code != 404 or response.json() == USER_NOT_FOUND, describe(response))
    for bad_id in NOT_INTEGERS:
        cases.expect_status(bad_id, await client.delete(follow_url(bad_id), headers=ada.headers), 422)
    cases.assert_all_passed()

    assert_unauthenticated(await client.delete(follow_url(bob.id)))
    assert_unauthenticated(await client.delete(follow_url(bob.id), headers=bearer("forged")))
    assert await followers(client, bob) == [summary(ada)]
    assert await stored_rows(container, "follows") == 1


# --- GET /api/v1/users/{id}/followers and /following ----------------------------------


async def test_followers_and_following_list_only_user_summaries_ordered_by_id_with_skip_and_limit(
    client: httpx.AsyncClient,
) -> None:
    star = await sign_up(client, "star", full_name="Star")
    fans = [await sign_up(client, f"fan{n}", full_name=None if n % 2 else f"Fan {n}") for n in range(4)]
    names = {fan.id: None if n % 2 else f"Fan {n}" for n, fan in enumerate(fans)}
    # Followed in an order that is neither by id nor its reverse, so only an order by id passes.
    for index in (2, 0, 3, 1):
        await follow(client, fans[index], star)
    for index in (3, 1):
        await follow(client, star, fans[index])
    fan_summaries = [summary(fan, names[fan.id]) for fan in fans]
    cases = Cases()
    expected: dict[str, tuple[str, dict[str, Any], list[dict[str, Any]]]] = {
        "followers": ("/followers", {}, fan_summaries),
        "followers/": ("/followers/", {}, fan_summaries),
        "followers skip=1&limit=2": ("/followers", {"skip": 1, "limit": 2}, fan_summaries[1:3]),
        "followers skip=4": ("/followers", {"skip": 4}, []),
        "followers limit=1": ("/followers", {"limit": 1}, fan_summaries[:1]),
        "following": ("/following", {}, [fan_summaries[1], fan_summaries[3]]),
        "following/": ("/following/", {}, [fan_summaries[1], fan_summaries[3]]),
        "following skip=1": ("/following", {"skip": 1}, [fan_summaries[3]]),
        "following limit=1": ("/following", {"limit": 1}, [fan_summaries[1]]),
    }

    for case, (suffix, params, wanted) in expected.items():
        response = await client.get(user_url(star.id, suffix), params=params)
        cases.expect_status(case, response, 200)
        if response.status_code == 200:
            found = response.json()
            cases.check(case, found == wanted, f"expected {wanted}, got {found}")
            cases.check(case, all(set(user) == SUMMARY_FIELDS for user in found), f"not UserSummary: {found}")
    for suffix in ("/followers", "/following"):
        for params in ({"skip": -1}, {"limit": 0}, {"limit": "x"}):
            cases.expect_client_error(f"{suffix} {params}", await client.get(user_url(star.id, suffix), params=params))

    cases.assert_all_passed()
    assert await following(client, fans[3]) == [summary(star, "Star")]


async def test_followers_and_following_answer_404_user_not_found_for_an_unknown_user(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    gone = await sign_up(client, "gone")
    await follow(client, gone, ada)
    assert (await client.delete(user_url(gone.id), headers=gone.headers)).status_code == 204
    cases = Cases()

    for suffix in ("/followers", "/following"):
        for user_id in (*MISSING_IDS, gone.id):
            response = await client.get(user_url(user_id, suffix))
            case = f"{suffix} {user_id}"
            cases.expect_status(case, response, 404)
            cases.check(case, response.status_code != 404 or response.json() == USER_NOT_FOUND, describe(response))
        for bad_id in NOT_INTEGERS:
            cases.expect_status(f"{suffix} {bad_id}", await client.get(user_url(bad_id, suffix)), 422)

    cases.assert_all_passed()


# --- Cascades --------------------------------------------------------------------------


async def test_deleting_a_user_removes_their_posts_their_comments_on_other_posts_and_their_follow_links_both_ways(
    client: httpx.AsyncClient, container: Container
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    cyd = await sign_up(client, "cyd")
    ada_post = await create_post(client, ada, published=True)
    bob_post = await create_post(client, bob, published=True)
    await add_comment(client, bob, ada_post["id"], "bob on ada's post")
    await add_comment(client, ada, bob_post["id"], "ada on bob's post")
    cy_comment = await add_comment(client, cyd, bob_post["id"], "cyd on bob's post")
    await add_comment(client, ada, bob_post["id"], "ada again")
    await follow(client, ada, bob)
    await follow(client, bob, ada)
    await follow(client, cyd, ada)
    await follow(client, cyd, bob)
    await follow(client, ada, cyd)
    assert await stored_rows(container, "comments") == 4
    assert await stored_rows(container, "follows") == 5

    response = await client.delete(user_url(ada.id), headers=ada.headers)

    assert response.status_code == 204, response.text
    assert await get_json(client, POSTS, author_id=ada.id) == []
    assert (await client.get(post_url(ada_post["id"]))).status_code == 404
    assert await stored_rows(container, "posts", author_id=ada.id) == 0
    assert await get_json(client, post_url(bob_post["id"], "/comments")) == [cy_comment]
    assert (await get_json(client, post_url(bob_post["id"])))["comments"] == [cy_comment]
    assert await stored_rows(container, "comments") == 1
    assert await followers(client, bob) == [summary(cyd)]
    assert await following(client, bob) == []
    assert await followers(client, cyd) == []
    assert await following(client, cyd) == [summary(bob)]
    assert await stored_rows(container, "follows") == 1
    profile = await get_json(client, user_url(bob.id, "/profile"))
    assert (profile["followers"], profile["following"]) == ([summary(cyd)], [])
    assert [comment["id"] for post in profile["posts"] for comment in post["comments"]] == [cy_comment["id"]]
