"""PATCH /api/v1/users/{id}: partial updates, who may make them, conflicts, validation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

from entrypoints.container import Container
from tests.e2e.helpers import (
    ALREADY_TAKEN,
    ME,
    USER_NOT_FOUND,
    Cases,
    assert_unauthenticated,
    bearer,
    describe,
    fetch_user,
    login,
    make_superuser,
    register,
    sign_up,
    user_url,
)


async def patch(client: httpx.AsyncClient, user_id: int, body: dict[str, Any], token: str) -> httpx.Response:
    return await client.patch(user_url(user_id), json=body, headers=bearer(token))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("email", "ada.king@example.org", id="email"),
        pytest.param("username", "countess", id="username"),
        pytest.param("full_name", "Augusta Ada King", id="full-name"),
    ],
)
async def test_patch_changes_only_the_given_field_when_the_user_updates_themself(
    client: httpx.AsyncClient, field: str, value: str
) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    before = await fetch_user(client, ada.id)

    response = await patch(client, ada.id, {field: value}, ada.token)

    assert response.status_code == 200, response.text
    after = response.json()
    assert after == {**before, field: value, "updated_at": after["updated_at"]}
    assert datetime.fromisoformat(after["updated_at"]) >= datetime.fromisoformat(before["updated_at"])
    assert await fetch_user(client, ada.id) == after


async def test_patch_changes_several_fields_at_once_when_several_are_given(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")
    body = {"email": "multi@example.com", "username": "multi", "full_name": "Multi Field"}

    response = await patch(client, ada.id, body, ada.token)

    assert response.status_code == 200, response.text
    assert {name: response.json()[name] for name in body} == body


async def test_patch_changes_nothing_when_the_body_is_empty(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    before = await fetch_user(client, ada.id)

    response = await patch(client, ada.id, {}, ada.token)

    assert response.status_code == 200, response.text
    after = response.json()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


async def test_patch_lets_the_user_log_in_with_the_new_username_when_the_username_changes(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    assert (await patch(client, ada.id, {"username": "countess"}, ada.token)).status_code == 200

    token = await login(client, "countess")

    assert (await client.get(ME, headers=bearer(token))).json()["username"] == "countess"
    old = await client.post("/api/v1/auth/token", data={"username": "ada", "password": ada.password})
    assert old.status_code == 401


async def test_patch_lets_the_user_log_in_with_the_new_email_when_the_email_changes(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")
    assert (await patch(client, ada.id, {"email": "moved@example.com"}, ada.token)).status_code == 200

    token = await login(client, "MOVED@example.com")

    assert (await client.get(ME, headers=bearer(token))).json()["email"] == "moved@example.com"


async def test_patch_changes_the_password_when_the_user_sends_a_new_one(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")
    before = await fetch_user(client, ada.id)

    response = await patch(client, ada.id, {"password": "another-secret-2"}, ada.token)

    assert response.status_code == 200, response.text
    after = response.json()
    assert {k: after[k] for k in ("email", "username", "full_name", "is_active")} == {
        k: before[k] for k in ("email", "username", "full_name", "is_active")
    }
    assert "another-secret-2" not in response.text
    await login(client, "ada", "another-secret-2")


async def test_patch_clears_the_full_name_when_full_name_is_null(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")

    response = await patch(client, ada.id, {"full_name": None}, ada.token)

    assert response.status_code == 200, response.text
    assert response.json()["full_name"] is None
    assert (await fetch_user(client, ada.id))["full_name"] is None


async def test_patch_answers_422_when_a_field_other_than_full_name_is_null(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ada = await sign_up(client, "ada")
    before = await fetch_user(client, ada.id)
    cases = Cases()

    for field in ("email", "username", "password", "is_active"):
        cases.expect_status(field, await patch(client, ada.id, {field: None}, root.token), 422)

    cases.assert_all_passed()
    assert await fetch_user(client, ada.id) == before


BROKEN_BODIES: dict[str, dict[str, Any]] = {
    "bad-email": {"email": "not-an-email"},
    "short-username": {"username": "ab"},
    "long-username": {"username": "u" * 101},
    "short-password": {"password": "Qz7#kp1"},
    "long-password": {"password": "p" * 101},
    "long-full-name": {"full_name": "f" * 256},
    "full-name-int": {"full_name": 42},
    "is-active-string": {"is_active": "nope"},
    "unknown-is-superuser": {"is_superuser": True},
    "unknown-hashed-password": {"hashed_password": "$argon2id$forged"},
    "valid-plus-unknown": {"full_name": "Valid Name", "id": 99},
    "valid-plus-invalid": {"full_name": "Valid Name", "username": "ab"},
}


async def test_patch_answers_422_and_changes_nothing_when_the_body_breaks_a_rule(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    before = await fetch_user(client, ada.id)
    cases = Cases()

    for case, body in BROKEN_BODIES.items():
        response = await patch(client, ada.id, body, ada.token)
        cases.expect_status(case, response, 422)
        cases.check(case, "Qz7#kp1" not in response.text, f"password echoed: {describe(response)}")
        cases.check(case, await fetch_user(client, ada.id) == before, "the user changed")

    cases.assert_all_passed()
    assert (await client.get(ME, headers=ada.headers)).status_code == 200


async def test_patch_answers_422_when_the_body_is_not_a_json_object(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")
    cases = Cases()

    for raw in (b"{", b"[]", b'"text"', b"null", b""):
        response = await client.patch(
            user_url(ada.id), content=raw, headers={**ada.headers, "Content-Type": "application/json"}
        )
        cases.expect_status(repr(raw), response, 422)

    cases.assert_all_passed()


async def test_patch_answers_403_and_changes_nothing_when_another_non_superuser_tries(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    mallory = await sign_up(client, "mallory")
    before = await fetch_user(client, ada.id)

    response = await patch(client, ada.id, {"full_name": "Hacked", "password": "taken-over-1"}, mallory.token)

    assert response.status_code == 403, response.text
    assert await fetch_user(client, ada.id) == before
    assert (await client.get(ME, headers=ada.headers)).status_code == 200


@pytest.mark.parametrize("active", [True, False])
async def test_patch_answers_403_when_a_non_superuser_sets_is_active_on_themself(
    client: httpx.AsyncClient, active: bool
) -> None:
    ada = await sign_up(client, "ada")
    before = await fetch_user(client, ada.id)

    response = await patch(client, ada.id, {"is_active": active}, ada.token)

    assert response.status_code == 403, response.text
    assert await fetch_user(client, ada.id) == before
    assert (await client.get(ME, headers=ada.headers)).status_code == 200


async def test_patch_answers_403_and_changes_nothing_when_is_active_comes_with_allowed_fields(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    before = await fetch_user(client, ada.id)

    response = await patch(client, ada.id, {"full_name": "Sneaky", "is_active": True}, ada.token)

    assert response.status_code == 403, response.text
    assert await fetch_user(client, ada.id) == before


async def test_patch_answers_403_when_a_non_superuser_sets_is_active_on_another_user(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    mallory = await sign_up(client, "mallory")

    response = await patch(client, ada.id, {"is_active": False}, mallory.token)

    assert response.status_code == 403, response.text
    assert (await fetch_user(client, ada.id))["is_active"] is True


async def test_patch_lets_a_superuser_update_anyone_when_they_are_a_superuser(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ada = await sign_up(client, "ada")
    body = {"email": "renamed@example.com", "username": "renamed", "full_name": "Renamed By Root"}

    response = await patch(client, ada.id, body, root.token)

    assert response.status_code == 200, response.text
    after = response.json()
    assert after["id"] == ada.id
    assert {name: after[name] for name in body} == body
    assert after["is_superuser"] is False
    assert await fetch_user(client, ada.id) == after


@pytest.mark.parametrize("active", [False, True])
async def test_patch_lets_a_superuser_set_is_active_when_they_are_a_superuser(
    client: httpx.AsyncClient, container: Container, active: bool
) -> None:
    root = await make_superuser(client, container)
    ada = await register(client, "ada")

    response = await patch(client, ada["id"], {"is_active": active}, root.token)

    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is active
    assert (await fetch_user(client, ada["id"]))["is_active"] is active


TAKEN: dict[str, dict[str, Any]] = {
    "email": {"email": "bob@example.com"},
    "email-other-case": {"email": "BOB@Example.com"},
    "username": {"username": "bob"},
    "username-with-full-name": {"username": "bob", "full_name": "Should Not Stick"},
    "full-name-with-email": {"full_name": "Should Not Stick", "email": "bob@example.com"},
}


async def test_patch_answers_400_and_changes_nothing_when_the_email_or_username_is_taken(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    await register(client, "bob", email="bob@example.com")
    before = await fetch_user(client, ada.id)
    cases = Cases()

    for case, body in TAKEN.items():
        response = await patch(client, ada.id, body, ada.token)
        cases.expect_status(case, response, 400)
        cases.check(case, response.status_code != 400 or response.json() == ALREADY_TAKEN, describe(response))
        cases.check(case, await fetch_user(client, ada.id) == before, "the user changed")

    cases.assert_all_passed()


async def test_patch_answers_200_when_the_user_sends_their_own_current_email_and_username(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")

    response = await patch(client, ada.id, {"email": ada.email, "username": "ada"}, ada.token)

    assert response.status_code == 200, response.text


async def test_patch_answers_404_when_a_superuser_updates_a_missing_user(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    cases = Cases()

    for missing_id in (10**6, 99999999999999, 2**63):
        response = await patch(client, missing_id, {"full_name": "Nobody"}, root.token)
        cases.expect_status(str(missing_id), response, 404)
        cases.check(
            str(missing_id), response.status_code != 404 or response.json() == USER_NOT_FOUND, describe(response)
        )

    cases.assert_all_passed()


async def test_patch_answers_401_when_no_token_is_sent(client: httpx.AsyncClient) -> None:
    ada = await register(client, "ada", full_name="Ada Lovelace")

    response = await client.patch(user_url(ada["id"]), json={"full_name": "Anonymous"})

    assert_unauthenticated(response)
    assert (await fetch_user(client, ada["id"]))["full_name"] == "Ada Lovelace"


async def test_patch_answers_401_when_the_token_is_garbage(client: httpx.AsyncClient) -> None:
    ada = await register(client, "ada")

    response = await patch(client, ada["id"], {"full_name": "Anonymous"}, "garbage")

    assert_unauthenticated(response)


async def test_patch_answers_422_when_the_id_is_not_an_integer(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")
    cases = Cases()

    for user_id in ("abc", "1.5"):
        response = await client.patch(user_url(user_id), json={"full_name": "X"}, headers=ada.headers)
        cases.expect_status(user_id, response, 422)

    cases.assert_all_passed()
