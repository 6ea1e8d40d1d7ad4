"""Tokens: issuing, using, and every way the contract says they end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from dependency_injector import providers

from entrypoints.container import Container
from tests.e2e.helpers import (
    INCORRECT_LOGIN,
    LOGOUT,
    ME,
    PASSWORD,
    TOKEN,
    Cases,
    assert_unauthenticated,
    bearer,
    describe,
    login,
    make_superuser,
    register,
    set_active,
    sign_up,
    user_url,
)
from tests.fakes import ManualClock


def assert_incorrect_login(response: httpx.Response) -> None:
    assert_unauthenticated(response)
    assert response.json() == INCORRECT_LOGIN


async def test_token_is_issued_when_logging_in_with_the_username(
    client: httpx.AsyncClient, container: Container
) -> None:
    await register(client, "ada")

    response = await client.post(TOKEN, data={"username": "ada", "password": PASSWORD})

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert isinstance(body["access_token"], str)
    assert body["access_token"]
    assert body["token_type"] == "bearer"
    assert type(body["expires_in"]) is int
    assert body["expires_in"] == container.settings().access_token_ttl_seconds


async def test_token_is_issued_when_logging_in_with_the_email_in_another_case(client: httpx.AsyncClient) -> None:
    user = await register(client, "ada", email="ada.lovelace@example.com")

    response = await client.post(TOKEN, data={"username": "Ada.LOVELACE@Example.Com", "password": PASSWORD})

    assert response.status_code == 200, response.text
    me = await client.get(ME, headers=bearer(response.json()["access_token"]))
    assert me.json() == user


async def test_token_is_new_when_the_same_user_logs_in_twice(client: httpx.AsyncClient) -> None:
    await register(client, "twice")

    first = await login(client, "twice")
    second = await login(client, "twice")

    assert first != second
    assert (await client.get(ME, headers=bearer(first))).status_code == 200
    assert (await client.get(ME, headers=bearer(second))).status_code == 200


async def test_token_is_refused_with_401_when_the_password_is_wrong(client: httpx.AsyncClient) -> None:
    await register(client, "ada")

    response = await client.post(TOKEN, data={"username": "ada", "password": "wrong-horse-9"})

    assert_incorrect_login(response)


async def test_token_is_refused_with_401_when_the_password_differs_only_in_case(client: httpx.AsyncClient) -> None:
    await register(client, "ada")

    response = await client.post(TOKEN, data={"username": "ada", "password": PASSWORD.upper()})

    assert_incorrect_login(response)


@pytest.mark.parametrize("login_name", ["nobody", "nobody@example.com"])
async def test_token_is_refused_with_401_when_the_user_is_unknown(client: httpx.AsyncClient, login_name: str) -> None:
    await register(client, "ada")

    response = await client.post(TOKEN, data={"username": login_name, "password": PASSWORD})

    assert_incorrect_login(response)


@pytest.mark.parametrize("use_email", [False, True], ids=["username", "email"])
async def test_token_is_refused_with_401_when_the_user_is_inactive(
    client: httpx.AsyncClient, container: Container, use_email: bool
) -> None:
    root = await make_superuser(client, container)
    user = await register(client, "sleeper")
    await set_active(client, root, user["id"], False)

    response = await client.post(
        TOKEN, data={"username": user["email"] if use_email else "sleeper", "password": PASSWORD}
    )

    assert_incorrect_login(response)


async def test_token_is_issued_again_when_an_inactive_user_is_reactivated(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    user = await register(client, "sleeper")
    await set_active(client, root, user["id"], False)
    await set_active(client, root, user["id"], True)

    token = await login(client, "sleeper")

    assert (await client.get(ME, headers=bearer(token))).status_code == 200


async def test_token_answers_422_when_a_form_field_is_missing(client: httpx.AsyncClient) -> None:
    await register(client, "ada")
    cases = Cases()

    for case, form in {"no-password": {"username": "ada"}, "no-username": {"password": PASSWORD}, "empty": {}}.items():
        response = await client.post(TOKEN, data=form)
        cases.expect_status(case, response, 422)
        cases.check(case, PASSWORD not in response.text, f"password echoed: {describe(response)}")

    cases.assert_all_passed()


async def test_token_is_not_issued_when_credentials_are_sent_as_json(client: httpx.AsyncClient) -> None:
    await register(client, "ada")

    response = await client.post(TOKEN, json={"username": "ada", "password": PASSWORD})

    assert response.status_code == 422, response.text
    assert PASSWORD not in response.text


async def test_me_answers_200_with_the_caller_when_the_token_is_valid(client: httpx.AsyncClient) -> None:
    user = await register(client, "ada", full_name="Ada Lovelace")
    await register(client, "someone-else")
    token = await login(client, "ada")

    response = await client.get(ME, headers=bearer(token))

    assert response.status_code == 200
    assert response.json() == user


async def test_me_answers_401_when_no_token_is_sent(client: httpx.AsyncClient) -> None:
    response = await client.get(ME)

    assert_unauthenticated(response)


MALFORMED_AUTHORIZATION = {
    "scheme-only": "Bearer",
    "scheme-and-space": "Bearer ",
    "basic": "Basic YWRhOmNvcnJlY3QtaG9yc2UtOQ==",
    "other-scheme": "Token abcdef",
    "no-scheme": "abcdef",
    "empty": "",
}
GARBAGE_TOKENS = {
    "word": "garbage",
    "long": "x" * 5000,
    "null": "null",
    "zero": "0",
    "dots": "..",
    "latin1": "\u00e9t\u00e9",
}


def expect_unauthenticated(cases: Cases, case: str, response: httpx.Response) -> None:
    cases.expect_status(case, response, 401)
    cases.check(
        case, response.headers.get("www-authenticate") == "Bearer", f"no Bearer challenge: {describe(response)}"
    )


async def test_me_answers_401_when_the_authorization_header_is_malformed(client: httpx.AsyncClient) -> None:
    await sign_up(client, "ada")
    cases = Cases()

    for case, authorization in MALFORMED_AUTHORIZATION.items():
        expect_unauthenticated(cases, case, await client.get(ME, headers={"Authorization": authorization}))

    cases.assert_all_passed()


async def test_me_answers_401_when_the_token_is_garbage(client: httpx.AsyncClient) -> None:
    await sign_up(client, "ada")
    cases = Cases()

    for case, token in GARBAGE_TOKENS.items():
        header = f"Bearer {token}".encode("latin-1")
        expect_unauthenticated(cases, case, await client.get(ME, headers={b"Authorization": header}))

    cases.assert_all_passed()


async def test_me_answers_401_when_the_token_belongs_to_nobody_but_resembles_a_real_one(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")
    forged = ada.token[:-1] + ("A" if ada.token[-1] != "A" else "B")

    response = await client.get(ME, headers=bearer(forged))

    assert_unauthenticated(response)


async def test_logout_answers_204_and_the_token_stops_working_when_the_token_is_valid(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada")

    response = await client.post(LOGOUT, headers=ada.headers)

    assert response.status_code == 204
    assert response.content == b""
    assert_unauthenticated(await client.get(ME, headers=ada.headers))
    assert_unauthenticated(await client.post(LOGOUT, headers=ada.headers))


async def test_logout_answers_401_when_no_token_is_sent(client: httpx.AsyncClient) -> None:
    assert_unauthenticated(await client.post(LOGOUT))


async def test_logout_answers_401_when_the_token_is_garbage(client: httpx.AsyncClient) -> None:
    assert_unauthenticated(await client.post(LOGOUT, headers=bearer("garbage")))


async def test_login_works_again_when_the_user_logged_out(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")
    await client.post(LOGOUT, headers=ada.headers)

    token = await login(client, "ada")

    assert (await client.get(ME, headers=bearer(token))).status_code == 200


async def test_tokens_end_when_the_password_is_changed_via_patch(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")
    other_session = await login(client, "ada")

    response = await client.patch(user_url(ada.id), json={"password": "brand-new-pass-1"}, headers=ada.headers)

    assert response.status_code == 200, response.text
    assert_unauthenticated(await client.get(ME, headers=ada.headers))
    assert_unauthenticated(await client.get(ME, headers=bearer(other_session)))
    assert_incorrect_login(await client.post(TOKEN, data={"username": "ada", "password": PASSWORD}))
    fresh = await login(client, "ada", "brand-new-pass-1")
    assert (await client.get(ME, headers=bearer(fresh))).status_code == 200


async def test_tokens_end_when_a_superuser_changes_the_password(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ada = await sign_up(client, "ada")

    response = await client.patch(user_url(ada.id), json={"password": "reset-by-root-1"}, headers=root.headers)

    assert response.status_code == 200, response.text
    assert_unauthenticated(await client.get(ME, headers=ada.headers))
    assert (await client.get(ME, headers=root.headers)).status_code == 200
    await login(client, "ada", "reset-by-root-1")


async def test_tokens_end_and_stay_ended_when_the_user_is_deactivated_then_reactivated(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ada = await sign_up(client, "ada")

    await set_active(client, root, ada.id, False)

    assert_unauthenticated(await client.get(ME, headers=ada.headers))
    await set_active(client, root, ada.id, True)
    assert_unauthenticated(await client.get(ME, headers=ada.headers))
    assert (await client.get(ME, headers=root.headers)).status_code == 200


async def test_tokens_end_when_the_user_deletes_themself(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")
    other_session = await login(client, "ada")

    response = await client.delete(user_url(ada.id), headers=ada.headers)

    assert response.status_code == 204
    assert_unauthenticated(await client.get(ME, headers=ada.headers))
    assert_unauthenticated(await client.get(ME, headers=bearer(other_session)))
    assert_incorrect_login(await client.post(TOKEN, data={"username": "ada", "password": PASSWORD}))


async def test_tokens_end_when_a_superuser_deletes_the_user(client: httpx.AsyncClient, container: Container) -> None:
    root = await make_superuser(client, container)
    ada = await sign_up(client, "ada")

    response = await client.delete(user_url(ada.id), headers=root.headers)

    assert response.status_code == 204
    assert_unauthenticated(await client.get(ME, headers=ada.headers))
    assert_unauthenticated(await client.patch(user_url(ada.id), json={"full_name": "Back"}, headers=ada.headers))


async def test_token_keeps_working_when_the_user_changes_only_their_full_name(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada")

    response = await client.patch(user_url(ada.id), json={"full_name": "Ada King"}, headers=ada.headers)

    assert response.status_code == 200
    me = await client.get(ME, headers=ada.headers)
    assert me.status_code == 200
    assert me.json()["full_name"] == "Ada King"


async def test_me_answers_401_when_the_token_has_expired(client: httpx.AsyncClient, container: Container) -> None:
    clock = ManualClock(datetime.now(UTC))
    container.clock.override(providers.Object(clock))
    ada = await sign_up(client, "ada")
    ttl = timedelta(seconds=container.settings().access_token_ttl_seconds)

    clock.advance(ttl - timedelta(seconds=1))
    assert (await client.get(ME, headers=ada.headers)).status_code == 200
    clock.advance(timedelta(seconds=2))

    assert_unauthenticated(await client.get(ME, headers=ada.headers))
    assert_unauthenticated(await client.post(LOGOUT, headers=ada.headers))
