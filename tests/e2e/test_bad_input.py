"""Bad input, always: oversized bodies, NUL characters, invalid UTF-8, lone surrogates.

Each answer must be a 4xx with a ``detail``, never a 500, and nothing may be written.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from entrypoints.container import Container
from tests.e2e.helpers import (
    ME,
    PASSWORD,
    SEARCH,
    TOKEN,
    USERS,
    Cases,
    assert_client_error,
    describe,
    fetch_user,
    register,
    sign_up,
    stored_rows,
    user_count,
    user_url,
)

MIB = 1024 * 1024
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def assert_nothing_written(client: httpx.AsyncClient, container: Container, users: int = 0) -> None:
    assert await user_count(client) == users
    assert await stored_rows(container, "posts") == users


def registration(**fields: Any) -> dict[str, Any]:
    return {"email": "ada@example.com", "username": "ada", "password": PASSWORD, **fields}


def padded_registration(size: int) -> bytes:
    """A registration body of exactly ``size`` bytes, padded inside full_name."""
    empty = json.dumps(registration(full_name="")).encode()
    body = json.dumps(registration(full_name="x" * (size - len(empty)))).encode()
    assert len(body) == size
    return body


async def test_register_answers_413_when_the_body_is_over_one_mebibyte(
    client: httpx.AsyncClient, container: Container
) -> None:
    response = await client.post(USERS, content=padded_registration(MIB + 1), headers=JSON)

    assert response.status_code == 413, response.text
    assert "detail" in response.json()
    await assert_nothing_written(client, container)


async def test_register_answers_413_when_a_body_over_one_mebibyte_is_streamed_without_length(
    client: httpx.AsyncClient, container: Container
) -> None:
    body = padded_registration(2 * MIB)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = await client.post(USERS, content=chunks(), headers=JSON)

    assert "content-length" not in response.request.headers
    assert response.status_code == 413, response.text
    await assert_nothing_written(client, container)


async def test_register_is_judged_on_its_fields_not_413_when_the_body_is_exactly_one_mebibyte(
    client: httpx.AsyncClient, container: Container
) -> None:
    response = await client.post(USERS, content=padded_registration(MIB), headers=JSON)

    assert response.status_code == 422, response.text
    await assert_nothing_written(client, container)


async def test_patch_answers_413_and_changes_nothing_when_the_body_is_over_one_mebibyte(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    before = await fetch_user(client, ada.id)

    response = await client.patch(
        user_url(ada.id), content=json.dumps({"full_name": "x" * MIB}).encode(), headers={**ada.headers, **JSON}
    )

    assert response.status_code == 413, response.text
    assert await fetch_user(client, ada.id) == before


async def test_token_answers_413_when_the_form_is_over_one_mebibyte(client: httpx.AsyncClient) -> None:
    await register(client, "ada")

    response = await client.post(TOKEN, data={"username": "ada", "password": "p" * MIB})

    assert response.status_code == 413, response.text


NUL_REGISTRATIONS: dict[str, dict[str, str]] = {
    "username": {"username": "ad\x00a"},
    "username-only-nul": {"username": "\x00\x00\x00"},
    "full-name": {"full_name": "Ada\x00Lovelace"},
    "full-name-only-nul": {"full_name": "\x00"},
    "email": {"email": "ada\x00@example.com"},
    "password": {"password": "correct\x00horse-9"},
}


async def test_register_answers_4xx_and_writes_nothing_when_a_field_holds_a_nul_character(
    client: httpx.AsyncClient, container: Container
) -> None:
    cases = Cases()

    for case, fields in NUL_REGISTRATIONS.items():
        cases.expect_client_error(case, await client.post(USERS, json=registration(**fields)))

    cases.assert_all_passed()
    await assert_nothing_written(client, container)


async def test_search_answers_4xx_when_q_holds_a_nul_character(client: httpx.AsyncClient) -> None:
    await register(client, "ada")
    cases = Cases()

    for q in ("a\x00b", "\x00\x00", "ad\x00"):
        cases.expect_client_error(repr(q), await client.get(SEARCH, params={"q": q}))

    cases.assert_all_passed()


NUL_UPDATES: dict[str, dict[str, str]] = {
    "username": {"username": "ad\x00a"},
    "full-name": {"full_name": "Ada\x00"},
    "email": {"email": "a\x00@example.com"},
    "password": {"password": "new\x00password"},
    "valid-plus-nul": {"full_name": "Fine Name", "username": "bad\x00name"},
}


async def test_patch_answers_4xx_and_changes_nothing_when_a_field_holds_a_nul_character(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    before = await fetch_user(client, ada.id)
    cases = Cases()

    for case, body in NUL_UPDATES.items():
        cases.expect_client_error(case, await client.patch(user_url(ada.id), json=body, headers=ada.headers))
        cases.check(case, await fetch_user(client, ada.id) == before, "the user changed")

    cases.assert_all_passed()
    assert (await client.get(ME, headers=ada.headers)).status_code == 200


async def test_token_answers_4xx_without_a_token_when_the_form_holds_a_nul_character(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "ada")
    cases = Cases()

    for case, form in {
        "username": {"username": "ad\x00a", "password": PASSWORD},
        "password": {"username": "ada", "password": "correct\x00horse-9"},
    }.items():
        response = await client.post(TOKEN, data=form)
        cases.expect_client_error(case, response)
        cases.check(case, "access_token" not in response.text, f"token issued: {describe(response)}")

    cases.assert_all_passed()


INVALID_UTF8_BODIES: dict[str, bytes] = {
    "ff-in-username": b'{"email": "ada@example.com", "username": "ad\xffa", "password": "correct-horse-9"}',
    "truncated-sequence": b'{"email": "ada@example.com", "username": "ada", "password": "correct-horse-9", '
    b'"full_name": "\xc3"}',
    "overlong": b'{"email": "ada@example.com", "username": "ada", "password": "correct-horse-9", '
    b'"full_name": "\xc0\xaf"}',
    "encoded-surrogate": b'{"email": "ada@example.com", "username": "ada", "password": "correct-horse-9", '
    b'"full_name": "\xed\xa0\x80"}',
    "outside-strings": b'\xff{"email": "ada@example.com", "username": "ada", "password": "correct-horse-9"}',
}


async def test_register_answers_4xx_and_writes_nothing_when_the_body_is_invalid_utf8(
    client: httpx.AsyncClient, container: Container
) -> None:
    cases = Cases()

    for case, raw in INVALID_UTF8_BODIES.items():
        cases.expect_client_error(case, await client.post(USERS, content=raw, headers=JSON))

    cases.assert_all_passed()
    await assert_nothing_written(client, container)


async def test_patch_answers_4xx_and_changes_nothing_when_the_body_is_invalid_utf8(client: httpx.AsyncClient) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    before = await fetch_user(client, ada.id)

    response = await client.patch(
        user_url(ada.id), content=b'{"full_name": "Ada \xff King"}', headers={**ada.headers, **JSON}
    )

    assert_client_error(response)
    assert await fetch_user(client, ada.id) == before


async def test_token_answers_4xx_without_a_token_when_the_form_is_invalid_utf8(client: httpx.AsyncClient) -> None:
    await register(client, "ada")

    response = await client.post(TOKEN, content=b"username=ad\xffa&password=correct-horse-9", headers=FORM)

    assert_client_error(response)
    assert "access_token" not in response.json()


async def test_search_answers_4xx_when_q_is_invalid_utf8(client: httpx.AsyncClient) -> None:
    await register(client, "ada")
    cases = Cases()

    for encoded_q in ("%FF%FEab", "ab%C3", "%ED%A0%80ab"):
        cases.expect_client_error(encoded_q, await client.get(f"{SEARCH}?q={encoded_q}"))

    cases.assert_all_passed()


LONE_SURROGATES: dict[str, bytes] = {
    "username": b'{"email": "ada@example.com", "username": "ad\\ud800a", "password": "correct-horse-9"}',
    "full-name-high": b'{"email": "ada@example.com", "username": "ada", "password": "correct-horse-9", '
    b'"full_name": "\\ud800"}',
    "full-name-low": b'{"email": "ada@example.com", "username": "ada", "password": "correct-horse-9", '
    b'"full_name": "x\\udc00"}',
    "password": b'{"email": "ada@example.com", "username": "ada", "password": "correct-horse-9\\ud800"}',
    "email": b'{"email": "ad\\ud800a@example.com", "username": "ada", "password": "correct-horse-9"}',
}


async def test_register_answers_4xx_and_writes_nothing_when_json_text_holds_a_lone_surrogate(
    client: httpx.AsyncClient, container: Container
) -> None:
    cases = Cases()

    for case, raw in LONE_SURROGATES.items():
        cases.expect_client_error(case, await client.post(USERS, content=raw, headers=JSON))

    cases.assert_all_passed()
    await assert_nothing_written(client, container)


async def test_register_answers_201_when_json_text_holds_a_valid_surrogate_pair(client: httpx.AsyncClient) -> None:
    raw = (
        b'{"email": "ada@example.com", "username": "ada", "password": "correct-horse-9", '
        b'"full_name": "Ada \\ud83d\\ude00"}'
    )

    response = await client.post(USERS, content=raw, headers=JSON)

    assert response.status_code == 201, response.text
    assert response.json()["full_name"] == "Ada \U0001f600"


async def test_patch_answers_4xx_and_changes_nothing_when_json_text_holds_a_lone_surrogate(
    client: httpx.AsyncClient,
) -> None:
    ada = await sign_up(client, "ada", full_name="Ada Lovelace")
    before = await fetch_user(client, ada.id)

    response = await client.patch(
        user_url(ada.id), content=b'{"full_name": "Ada \\udfff"}', headers={**ada.headers, **JSON}
    )

    assert_client_error(response)
    assert await fetch_user(client, ada.id) == before


async def test_search_matches_nothing_when_q_spells_a_surrogate_escape_as_plain_text(
    client: httpx.AsyncClient,
) -> None:
    """``\\ud800`` spelled out in a query is plain text, not a surrogate: it must simply not match."""
    await register(client, "ada")

    response = await client.get(SEARCH, params={"q": "\\ud800"})

    assert response.status_code == 200, response.text
    assert response.json() == []
