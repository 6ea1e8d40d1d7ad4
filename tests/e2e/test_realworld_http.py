"""The RealWorld surface's HTTP-only behaviour, the same on every backend (so on memory):
validation answers, the Token scheme, CORS for a front end on another origin, metrics, and
``/api/v1``'s OpenAPI document left as it was."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.settings import Settings
from tests.e2e.conftest import serving, wired
from tests.e2e.realworld import PASSWORD, errors_of, join, write

FRONT_END = "https://conduit.example"
# Every path of the spec, with a method a front end uses on it.
SPEC_PATHS = (
    ("POST", "/api/users/login"),
    ("POST", "/api/users"),
    ("PUT", "/api/user"),
    ("GET", "/api/profiles/jake"),
    ("POST", "/api/profiles/jake/follow"),
    ("DELETE", "/api/profiles/jake/follow"),
    ("GET", "/api/articles/feed"),
    ("POST", "/api/articles"),
    ("PUT", "/api/articles/some-slug"),
    ("DELETE", "/api/articles/some-slug"),
    ("POST", "/api/articles/some-slug/comments"),
    ("DELETE", "/api/articles/some-slug/comments/1"),
    ("POST", "/api/articles/some-slug/favorite"),
    ("GET", "/api/tags"),
)


@pytest.fixture
async def client(hasher: Argon2PasswordHasher) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(wired(Settings(persistence="memory", cors_origins=FRONT_END), hasher)) as client:
        yield client


async def test_a_missing_or_mistyped_field_is_a_422_naming_it(client: httpx.AsyncClient) -> None:
    missing = await client.post("/api/users", json={"user": {"email": "jake@example.com", "password": PASSWORD}})
    assert errors_of(missing, 422) == {"username": ["can't be blank"]}
    mistyped = await client.post("/api/users", json={"user": {"email": "jake", "username": 7, "password": "short"}})
    assert set(errors_of(mistyped, 422)) == {"email", "username", "password"}
    bodies: tuple[object, ...] = ({}, {"email": "jake@example.com"}, [], "text")
    for body in bodies:
        assert set(errors_of(await client.post("/api/users", json=body), 422)) <= {"user", "body"}
    not_json = await client.post("/api/users", content=b"{", headers={"Content-Type": "application/json"})
    errors_of(not_json, 422)
    assert errors_of(await client.post("/api/users"), 422) == {"body": ["can't be blank"]}


async def test_a_422_never_echoes_the_password(client: httpx.AsyncClient) -> None:
    secret = "x" * 101
    response = await client.post(
        "/api/users", json={"user": {"email": "a@example.com", "username": "a", "password": secret}}
    )
    errors_of(response, 422)
    assert secret not in response.text


async def test_article_fields_are_checked_by_the_domain_rules(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    empty_title = {"article": {"title": "", "description": "d", "body": "b"}}
    assert set(errors_of(await client.post("/api/articles", headers=jake.headers, json=empty_title), 422)) == {"title"}
    too_many_tags = {
        "article": {"title": "t", "description": "d", "body": "b", "tagList": [f"t{n}" for n in range(21)]}
    }
    response = await client.post("/api/articles", headers=jake.headers, json=too_many_tags)
    assert set(errors_of(response, 422)) == {"tagList"}
    no_change = await client.put("/api/user", headers=jake.headers, json={"user": {}})
    errors_of(no_change, 422)
    null_title = {"article": {"title": None}}
    slug = (await write(client, jake))["slug"]
    errors_of(await client.put(f"/api/articles/{slug}", headers=jake.headers, json=null_title), 422)
    assert (await client.get("/api/articles", params={"limit": 0})).status_code == 422
    assert set(errors_of(await client.get("/api/articles", params={"offset": -1}), 422)) == {"offset"}
    errors_of(await client.delete(f"/api/articles/{slug}/comments/abc", headers=jake.headers), 422)


async def test_only_the_token_scheme_authenticates(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    for header in (f"Bearer {jake.token}", jake.token, "Token", "Token  ", f"token {jake.token}x"):
        response = await client.get("/api/user", headers={"Authorization": header})
        errors_of(response, 401)
        assert response.headers["WWW-Authenticate"] == "Token"
    assert (await client.get("/api/user", headers={"Authorization": f"token {jake.token}"})).status_code == 200
    # A public read with a token that names nobody reads as anonymous.
    assert (await client.get("/api/articles", headers={"Authorization": "Token nobody"})).status_code == 200


async def test_follow_ignores_a_body_and_favourite_takes_an_empty_json_one(client: httpx.AsyncClient) -> None:
    jake, anna = await join(client, "jake"), await join(client, "anna")
    followed = await client.post(
        "/api/profiles/anna/follow", headers=jake.headers, json={"user": {"email": "jake@example.com"}}
    )
    assert followed.status_code == 200 and followed.json()["profile"]["following"] is True
    slug = (await write(client, anna))["slug"]
    favoured = await client.post(
        f"/api/articles/{slug}/favorite",
        headers={**jake.headers, "Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest"},
        content=b"",
    )
    assert favoured.status_code == 200 and favoured.json()["article"]["favorited"] is True


@pytest.mark.parametrize(("method", "path"), SPEC_PATHS)
async def test_a_front_end_on_another_origin_gets_its_preflights_answered(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.options(
        path,
        headers={
            "Origin": FRONT_END,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type,x-requested-with",
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == FRONT_END
    assert method in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "x-requested-with"} <= set(map(str.strip, allowed.split(",")))


async def test_error_answers_carry_the_cors_headers_so_the_front_end_can_show_them(client: httpx.AsyncClient) -> None:
    origin = {"Origin": FRONT_END}
    answers = [
        await client.post("/api/users", headers=origin, json={"user": {}}),
        await client.get("/api/user", headers=origin),
        await client.get("/api/articles/nothing", headers=origin),
    ]
    assert [response.status_code for response in answers] == [422, 401, 404]
    assert all(response.headers["access-control-allow-origin"] == FRONT_END for response in answers)
    other = await client.get("/api/user", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


async def test_api_v1_keeps_its_own_error_shapes_and_its_openapi_document(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/users/999")).json() == {"detail": "User not found"}
    assert "detail" in (await client.post("/api/v1/users", json={})).json()
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert paths and all(path.startswith("/api/v1/") or not path.startswith("/api/") for path in paths)


async def test_metrics_name_realworld_routes_by_template(client: httpx.AsyncClient) -> None:
    await client.get("/api/articles/some-slug")
    await client.get("/api/profiles/nobody")
    text = (await client.get("/metrics")).text
    assert 'route="/api/articles/{slug}",status="404"' in text
    assert 'route="/api/profiles/{username}",status="404"' in text
    assert "some-slug" not in text
