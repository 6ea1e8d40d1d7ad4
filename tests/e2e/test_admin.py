"""Administration over HTTP: transfer posts, deactivate users, import users, on every
backend. Superusers only; bodies are bounded; nothing half-written."""

from __future__ import annotations

from typing import Any

import httpx

from entrypoints.container import Container
from tests.e2e.helpers import (
    INCORRECT_LOGIN,
    ME,
    MISSING_IDS,
    PASSWORD,
    TOKEN,
    USER_NOT_FOUND,
    Account,
    Cases,
    all_users,
    assert_unauthenticated,
    bearer,
    create_post,
    describe,
    fetch_user,
    login,
    make_superuser,
    set_active,
    sign_up,
    stored_rows,
    user_url,
)

ADMIN_USERS = "/api/v1/admin/users"
DEACTIVATE = f"{ADMIN_USERS}/deactivate"
IMPORT = f"{ADMIN_USERS}/import"
MAX_IDS, MAX_IMPORT = 10_000, 1000
UNUSED_ID = 10**6


def transfer_url(user_id: int | str) -> str:
    return f"{ADMIN_USERS}/{user_id}/transfer-posts"


def new_user(username: str, **extra: Any) -> dict[str, Any]:
    return {"email": f"{username.lower()}@example.com", "username": username, "password": PASSWORD, **extra}


async def usernames(client: httpx.AsyncClient) -> set[str]:
    return {user["username"] for user in await all_users(client)}


async def post_authors(client: httpx.AsyncClient, user_id: int, viewer: Account) -> list[int]:
    """The author ids of the user's posts, as ``viewer`` sees them (a superuser sees drafts too)."""
    response = await client.get(user_url(user_id, "/with-posts"), headers=viewer.headers)
    assert response.status_code == 200, describe(response)
    return [post["author_id"] for post in response.json()["posts"]]


# --- transfer ----------------------------------------------------------------------------


async def test_transfer_answers_the_count_and_moves_every_post(client: httpx.AsyncClient, container: Container) -> None:
    root = await make_superuser(client, container)
    ann, bob = await sign_up(client, "ann"), await sign_up(client, "bob")
    await create_post(client, ann, "one")
    await create_post(client, ann, "two", published=True)
    await create_post(client, bob, "bob's")

    response = await client.post(transfer_url(ann.id), json={"to_user_id": bob.id}, headers=root.headers)

    assert response.status_code == 200, describe(response)
    assert response.json() == {"transferred": 3}
    assert await post_authors(client, ann.id, root) == []
    assert await post_authors(client, bob.id, root) == [bob.id] * 5
    assert await stored_rows(container, "posts") == 6
    assert await stored_rows(container, "posts", author_id=root.id) == 1
    again = await client.post(transfer_url(ann.id), json={"to_user_id": bob.id}, headers=root.headers)
    assert (again.status_code, again.json()) == (200, {"transferred": 0})


async def test_transfer_answers_404_400_and_422_and_moves_nothing(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ann, bob = await sign_up(client, "ann"), await sign_up(client, "bob")
    await create_post(client, ann, "kept")
    cases = Cases()

    async def attempt(from_id: int | str, body: Any) -> httpx.Response:
        return await client.post(transfer_url(from_id), json=body, headers=root.headers)

    for missing in MISSING_IDS:
        for from_id, to_id in ((ann.id, missing), (missing, bob.id)):
            response = await attempt(from_id, {"to_user_id": to_id})
            case = f"missing user {from_id} -> {to_id}"
            cases.expect_status(case, response, 404)
            cases.check(case, response.status_code != 404 or response.json() == USER_NOT_FOUND, describe(response))
    same = await attempt(ann.id, {"to_user_id": ann.id})
    cases.expect_status("same user", same, 400)
    cases.expect_client_error("same user", same)
    for case, path_id, body in (
        ("unknown field", ann.id, {"to_user_id": bob.id, "also": 1}),
        ("no to_user_id", ann.id, {}),
        ("to_user_id not an integer", ann.id, {"to_user_id": "bob"}),
        ("body not an object", ann.id, [bob.id]),
        ("path id not an integer", "ann", {"to_user_id": bob.id}),
    ):
        cases.expect_status(case, await attempt(path_id, body), 422)
    cases.assert_all_passed()
    assert await post_authors(client, ann.id, root) == [ann.id, ann.id]
    assert await post_authors(client, bob.id, root) == [bob.id]


# --- deactivate --------------------------------------------------------------------------


async def test_deactivate_answers_the_count_and_ends_the_users_tokens(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ann, bob, cyd = await sign_up(client, "ann"), await sign_up(client, "bob"), await sign_up(client, "cyd")
    body = {"user_ids": [ann.id, bob.id, ann.id, UNUSED_ID]}

    response = await client.post(DEACTIVATE, json=body, headers=root.headers)

    assert response.status_code == 200, describe(response)
    assert response.json() == {"deactivated": 2}
    for account in (ann, bob):
        assert_unauthenticated(await client.get(ME, headers=account.headers))
        assert (await fetch_user(client, account.id))["is_active"] is False
        refused = await client.post(TOKEN, data={"username": account.username, "password": PASSWORD})
        assert (refused.status_code, refused.json()) == (401, INCORRECT_LOGIN)
    kept = await client.get(ME, headers=cyd.headers)
    assert (kept.status_code, kept.json()["id"]) == (200, cyd.id)
    again = await client.post(DEACTIVATE, json=body, headers=root.headers)
    assert (again.status_code, again.json()) == (200, {"deactivated": 0})

    # The tokens ended: reactivating the user does not bring the old one back.
    await set_active(client, root, ann.id, True)
    assert_unauthenticated(await client.get(ME, headers=ann.headers))
    fresh = await login(client, ann.username)
    assert (await client.get(ME, headers=bearer(fresh))).status_code == 200


# --- import ------------------------------------------------------------------------------


async def test_import_creates_the_valid_users_and_reports_the_others_by_index(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    await sign_up(client, "ann")
    secret = "xQz7"
    users: list[dict[str, Any]] = [
        new_user("ann_two", email="Ann@Example.com"),  # 0: email registered already
        new_user("dora"),  # 1
        new_user("bad1", email="not-an-email"),  # 2
        new_user("e1"),  # 3: username too short
        new_user("shorty", password=secret),  # 4: password too short
        new_user("fred", full_name="Fred Fox"),  # 5
        new_user("dora_again", email="DORA@example.com"),  # 6: same email as 1
        new_user("sneaky", is_superuser=True),  # 7: unknown field
        new_user("has@sign", email="has-sign@example.com"),  # 8: '@' in the username
        new_user("ann", email="ann-three@example.com"),  # 9: username registered already
    ]

    response = await client.post(IMPORT, json={"users": users}, headers=root.headers)

    assert response.status_code == 200, describe(response)
    answer = response.json()
    assert set(answer) == {"created", "errors"}
    assert answer["created"] == 2
    assert [error["index"] for error in answer["errors"]] == [0, 2, 3, 4, 6, 7, 8, 9]
    for error in answer["errors"]:
        assert set(error) == {"index", "detail"}
        assert isinstance(error["detail"], str) and error["detail"], error
    assert secret not in response.text
    assert await usernames(client) == {"root", "ann", "dora", "fred"}
    assert await stored_rows(container, "posts") == 4

    for username in ("dora", "fred"):
        for login_name in (username, f"{username}@example.com"):
            token = await login(client, login_name)
            me = await client.get(ME, headers=bearer(token))
            assert me.status_code == 200, describe(me)
            assert (me.json()["username"], me.json()["is_superuser"], me.json()["is_active"]) == (username, False, True)
        found = await client.get(user_url(me.json()["id"], "/with-posts"))
        assert [(p["title"], p["published"]) for p in found.json()["posts"]] == [(f"Welcome {username}!", True)]
    assert me.json()["full_name"] == "Fred Fox"


# --- who may, and what bodies ------------------------------------------------------------


async def test_admin_endpoints_answer_401_without_a_token_and_403_to_a_non_superuser(
    client: httpx.AsyncClient, container: Container
) -> None:
    ann, bob = await sign_up(client, "ann"), await sign_up(client, "bob")
    requests: dict[str, tuple[str, dict[str, Any]]] = {
        "transfer": (transfer_url(ann.id), {"to_user_id": bob.id}),
        "deactivate": (DEACTIVATE, {"user_ids": [ann.id, bob.id]}),
        "import": (IMPORT, {"users": [new_user("newbie")]}),
    }
    cases = Cases()
    for name, (url, body) in requests.items():
        no_token = await client.post(url, json=body)
        cases.check(
            f"{name} without a token",
            no_token.status_code == 401 and no_token.headers.get("www-authenticate") == "Bearer",
            describe(no_token),
        )
        cases.expect_status(f"{name} with a garbage token", await client.post(url, json=body, headers=bearer("x")), 401)
        for account in (ann, bob):
            denied = await client.post(url, json=body, headers=account.headers)
            cases.expect_status(f"{name} by {account.username}", denied, 403)
    cases.assert_all_passed()
    assert await post_authors(client, ann.id, ann) == [ann.id]
    assert [(await fetch_user(client, a.id))["is_active"] for a in (ann, bob)] == [True, True]
    assert await usernames(client) == {"ann", "bob"}


async def test_admin_bodies_out_of_bounds_answer_422_and_change_nothing(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ann = await sign_up(client, "ann")
    too_many_ids = [ann.id, *range(UNUSED_ID, UNUSED_ID + MAX_IDS)]
    too_many_users = [new_user(f"bulk{i:04}") for i in range(MAX_IMPORT + 1)]
    cases = Cases()
    for case, url, body in (
        ("deactivate, no ids", DEACTIVATE, {"user_ids": []}),
        ("deactivate, 10001 ids", DEACTIVATE, {"user_ids": too_many_ids}),
        ("deactivate, unknown field", DEACTIVATE, {"user_ids": [ann.id], "reason": "spam"}),
        ("deactivate, no user_ids", DEACTIVATE, {}),
        ("deactivate, ids not integers", DEACTIVATE, {"user_ids": [ann.id, "x"]}),
        ("import, no users", IMPORT, {"users": []}),
        ("import, 1001 users", IMPORT, {"users": too_many_users}),
        ("import, unknown field", IMPORT, {"users": [new_user("newbie")], "notify": True}),
        ("import, no users field", IMPORT, {}),
        ("transfer, unknown field", transfer_url(ann.id), {"to_user_id": root.id, "all": True}),
    ):
        response = await client.post(url, json=body, headers=root.headers)
        cases.expect_status(case, response, 422)
        cases.expect_client_error(case, response)
    cases.assert_all_passed()
    assert (await fetch_user(client, ann.id))["is_active"] is True
    assert (await client.get(ME, headers=ann.headers)).status_code == 200
    assert await usernames(client) == {"root", "ann"}
    assert await post_authors(client, ann.id, root) == [ann.id]


async def test_admin_bodies_at_their_limits_are_accepted(client: httpx.AsyncClient, container: Container) -> None:
    root = await make_superuser(client, container)
    ann = await sign_up(client, "ann")
    ids = [*range(UNUSED_ID, UNUSED_ID + MAX_IDS - 1), ann.id]
    deactivated = await client.post(DEACTIVATE, json={"user_ids": ids}, headers=root.headers)
    assert (deactivated.status_code, deactivated.json()) == (200, {"deactivated": 1}), describe(deactivated)

    unreadable = [new_user(f"bulk{i:04}", email=f"bulk{i:04}") for i in range(MAX_IMPORT)]
    imported = await client.post(IMPORT, json={"users": unreadable}, headers=root.headers)
    assert imported.status_code == 200, describe(imported)
    assert imported.json()["created"] == 0
    assert [error["index"] for error in imported.json()["errors"]] == list(range(MAX_IMPORT))
    assert await usernames(client) == {"root", "ann"}
