"""No response anywhere carries a password or a password hash."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from entrypoints.container import Container
from tests.e2e.helpers import ME, PASSWORD, SEARCH, TOKEN, USERS, make_superuser, user_url

NEW_PASSWORD = "rotated-secret-42"


def walk(value: object, path: str = "$") -> Iterator[tuple[str, str | None, object]]:
    """Every (path, key, value) in a JSON document, depth first; ``key`` is None in lists."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", key, item
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield f"{path}[{index}]", None, item
            yield from walk(item, f"{path}[{index}]")


def secrets_in(response: httpx.Response) -> list[str]:
    """Where a response body gives away a password or a hash."""
    found = []
    for path, key, value in walk(response.json()):
        if key is not None and ("password" in key.lower() or "hash" in key.lower()):
            found.append(f"key {path}")
        if isinstance(value, str) and (value.startswith("$argon2") or value in (PASSWORD, NEW_PASSWORD)):
            found.append(f"value {path}")
    return found


async def test_no_response_carries_a_password_or_hash_when_a_session_is_scripted_end_to_end(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    responses: list[httpx.Response] = []

    async def record(response: httpx.Response, expected: int) -> httpx.Response:
        assert response.status_code == expected, f"{response.request.method} {response.request.url}: {response.text}"
        responses.append(response)
        return response

    registered = await record(
        await client.post(
            USERS,
            json={"email": "ada@example.com", "username": "ada", "password": PASSWORD, "full_name": "Ada Lovelace"},
        ),
        201,
    )
    user_id = registered.json()["id"]
    await record(
        await client.post(USERS, json={"email": "ada@example.com", "username": "x", "password": PASSWORD}), 422
    )
    await record(
        await client.post(USERS, json={"email": "ADA@example.com", "username": "ada2", "password": PASSWORD}), 400
    )
    await record(await client.post(TOKEN, data={"username": "ada", "password": "wrong-password"}), 401)
    token = (await record(await client.post(TOKEN, data={"username": "ada", "password": PASSWORD}), 200)).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    await record(await client.get(ME, headers=headers), 200)
    await record(await client.get(ME), 401)
    await record(await client.patch(user_url(user_id), json={"full_name": "Ada King"}, headers=headers), 200)
    await record(await client.patch(user_url(user_id), json={"password": "short"}, headers=headers), 422)
    await record(await client.patch(user_url(user_id), json={"is_active": False}, headers=headers), 403)
    await record(await client.patch(user_url(user_id), json={"password": NEW_PASSWORD}, headers=headers), 200)
    await record(await client.patch(user_url(user_id), json={"is_active": True}, headers=root.headers), 200)
    await record(await client.get(USERS), 200)
    await record(await client.get(USERS, params={"active_only": "true"}), 200)
    await record(await client.get(SEARCH, params={"q": "ada"}), 200)
    await record(await client.get(user_url(user_id)), 200)
    await record(await client.get(user_url(user_id, "/with-posts")), 200)
    await record(await client.get(user_url(root.id, "/with-posts")), 200)

    assert len(responses) == 18
    leaks = {f"{r.request.method} {r.request.url.path}": secrets_in(r) for r in responses if secrets_in(r)}
    assert leaks == {}
    for response in responses:
        assert "$argon2" not in response.text
        assert PASSWORD not in response.text
        assert NEW_PASSWORD not in response.text


def test_secrets_in_finds_a_hash_key_and_an_argon2_value_when_a_response_leaks_them() -> None:
    """The walker itself must be able to fail."""
    leaky = httpx.Response(
        200, json={"users": [{"id": 1, "hashed_password": "x"}, {"id": 2, "nested": {"note": "$argon2id$v=19$..."}}]}
    )
    clean = httpx.Response(200, json=[{"id": 1, "username": "ada", "full_name": None}])

    assert secrets_in(leaky) == ["key $.users[0].hashed_password", "value $.users[1].nested.note"]
    assert secrets_in(clean) == []
