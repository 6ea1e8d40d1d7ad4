"""Drafts are private, over HTTP: each public read of posts as an anonymous caller, another
user, the author and a superuser; and a bad token on a public read, which reads as no token.

On memory, SQLite and PostgreSQL only (PgBouncer adds nothing to who sees a draft), with
one test per route checking every viewer, to keep the suite short.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from dependency_injector import providers

from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.database import SqlAlchemyDatabase
from entrypoints.container import Container
from tests.conftest import BACKENDS, SQL_BACKENDS
from tests.databases import recorded_statements
from tests.e2e.conftest import container_on, serving
from tests.e2e.helpers import (
    LOGOUT,
    POST_NOT_FOUND,
    POSTS,
    Account,
    Cases,
    add_comment,
    bearer,
    create_post,
    describe,
    login,
    make_superuser,
    post_url,
    sign_up,
    user_url,
)
from tests.fakes import ManualClock

VIEWERS = ("anonymous", "bob", "ada", "root")
# Who sees ada's draft: ada, its author, and root, a superuser.
SEES_ADAS_DRAFT = {"anonymous": False, "bob": False, "ada": True, "root": True}


@pytest.fixture(params=BACKENDS)
async def container(request: pytest.FixtureRequest, hasher: Argon2PasswordHasher) -> Container:
    """The e2e ``container`` (and so ``app`` and ``client``) on memory, SQLite and PostgreSQL."""
    return await container_on(request, request.param, hasher)


@dataclass(frozen=True)
class Blog:
    """root (a superuser), ada and bob, each with a published welcome post; ada's published
    post ``live`` and her ``draft``, each with a comment; bob's draft."""

    accounts: dict[str, Account]
    welcomes: list[int]
    live: dict[str, Any]
    draft: dict[str, Any]
    bobs_draft: dict[str, Any]
    on_live: dict[str, Any]
    on_draft: dict[str, Any]

    def headers(self, viewer: str) -> dict[str, str]:
        return {} if viewer == "anonymous" else self.accounts[viewer].headers

    @property
    def ada(self) -> Account:
        return self.accounts["ada"]


async def blog(client: httpx.AsyncClient, container: Container) -> Blog:
    root = await make_superuser(client, container)
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    response = await client.get(POSTS)
    assert response.status_code == 200, describe(response)
    welcomes = [post["id"] for post in response.json()]
    live = await create_post(client, ada, "Live", published=True)
    draft = await create_post(client, ada, "Draft")
    bobs_draft = await create_post(client, bob, "Bob's draft")
    on_live = await add_comment(client, bob, live["id"], "bob on live")
    on_draft = await add_comment(client, ada, draft["id"], "ada on her draft")
    return Blog(
        accounts={"root": root, "ada": ada, "bob": bob},
        welcomes=welcomes,
        live=live,
        draft=draft,
        bobs_draft=bobs_draft,
        on_live=on_live,
        on_draft=on_draft,
    )


def expect_json(cases: Cases, case: str, response: httpx.Response, status: int, body: Any) -> None:
    cases.check(case, (response.status_code, response.json()) == (status, body), describe(response))


async def test_get_post_shows_a_draft_to_its_author_and_superusers_and_is_404_to_anyone_else(
    client: httpx.AsyncClient, container: Container
) -> None:
    world = await blog(client, container)
    cases = Cases()

    for viewer in VIEWERS:
        draft = await client.get(post_url(world.draft["id"]), headers=world.headers(viewer))
        if SEES_ADAS_DRAFT[viewer]:
            cases.expect_status(viewer, draft, 200)
            if draft.status_code == 200:
                found = draft.json()
                cases.check(viewer, found["id"] == world.draft["id"], describe(draft))
                cases.check(viewer, found["comments"] == [world.on_draft], describe(draft))
        else:
            expect_json(cases, viewer, draft, 404, POST_NOT_FOUND)
        live = await client.get(post_url(world.live["id"]), headers=world.headers(viewer))
        cases.expect_status(f"{viewer}: published post", live, 200)
        if live.status_code == 200:
            cases.check(f"{viewer}: published post", live.json()["comments"] == [world.on_live], describe(live))

    cases.assert_all_passed()


async def test_list_comments_of_a_draft_is_for_its_author_and_superusers_and_404_to_anyone_else(
    client: httpx.AsyncClient, container: Container
) -> None:
    world = await blog(client, container)
    cases = Cases()

    for viewer in VIEWERS:
        on_draft = await client.get(post_url(world.draft["id"], "/comments"), headers=world.headers(viewer))
        if SEES_ADAS_DRAFT[viewer]:
            expect_json(cases, viewer, on_draft, 200, [world.on_draft])
        else:
            expect_json(cases, viewer, on_draft, 404, POST_NOT_FOUND)
        on_live = await client.get(post_url(world.live["id"], "/comments"), headers=world.headers(viewer))
        expect_json(cases, f"{viewer}: published post", on_live, 200, [world.on_live])

    cases.assert_all_passed()


async def test_list_posts_holds_published_posts_and_the_drafts_the_caller_may_see_for_each_published_filter(
    client: httpx.AsyncClient, container: Container
) -> None:
    world = await blog(client, container)
    live, draft, bobs_draft = world.live["id"], world.draft["id"], world.bobs_draft["id"]
    published = [*world.welcomes, live]
    expected: dict[str | None, dict[str, list[int]]] = {
        None: {
            "anonymous": published,
            "bob": [*published, bobs_draft],
            "ada": [*published, draft],
            "root": [*published, draft, bobs_draft],
        },
        "true": dict.fromkeys(VIEWERS, published),
        "false": {"anonymous": [], "bob": [bobs_draft], "ada": [draft], "root": [draft, bobs_draft]},
    }
    cases = Cases()

    for flag, by_viewer in expected.items():
        params = {} if flag is None else {"published": flag}
        for viewer, ids in by_viewer.items():
            case = f"{viewer}, published={flag}"
            response = await client.get(POSTS, params=params, headers=world.headers(viewer))
            cases.expect_status(case, response, 200)
            if response.status_code == 200:
                found = [post["id"] for post in response.json()]
                cases.check(case, found == ids, f"expected {ids}, got {found}")

    cases.assert_all_passed()


async def test_with_posts_leaves_out_the_drafts_the_caller_may_not_see(
    client: httpx.AsyncClient, container: Container
) -> None:
    world = await blog(client, container)
    adas_welcome = world.welcomes[1]
    cases = Cases()

    for viewer in VIEWERS:
        response = await client.get(user_url(world.ada.id, "/with-posts"), headers=world.headers(viewer))
        cases.expect_status(viewer, response, 200)
        if response.status_code == 200:
            found = [post["id"] for post in response.json()["posts"]]
            ids = [adas_welcome, world.live["id"], *([world.draft["id"]] if SEES_ADAS_DRAFT[viewer] else [])]
            cases.check(viewer, found == ids, f"expected {ids}, got {found}")

    cases.assert_all_passed()


async def test_profile_leaves_out_the_drafts_the_caller_may_not_see_with_their_comments(
    client: httpx.AsyncClient, container: Container
) -> None:
    world = await blog(client, container)
    adas_welcome = world.welcomes[1]
    cases = Cases()

    for viewer in VIEWERS:
        response = await client.get(user_url(world.ada.id, "/profile"), headers=world.headers(viewer))
        cases.expect_status(viewer, response, 200)
        if response.status_code == 200:
            found = [(post["id"], post["comments"]) for post in response.json()["posts"]]
            wanted = [(adas_welcome, []), (world.live["id"], [world.on_live])]
            if SEES_ADAS_DRAFT[viewer]:
                wanted.append((world.draft["id"], [world.on_draft]))
            cases.check(viewer, found == wanted, f"expected {wanted}, got {found}")

    cases.assert_all_passed()


async def test_a_bad_expired_or_revoked_token_on_a_public_read_answers_as_no_token_would(
    client: httpx.AsyncClient, container: Container
) -> None:
    clock = ManualClock(datetime.now(UTC))
    container.clock.override(providers.Object(clock))
    world = await blog(client, container)
    ada = world.ada
    revoked = await login(client, ada.username)
    assert (await client.post(LOGOUT, headers=bearer(revoked))).status_code == 204
    reads = {
        "post": post_url(world.draft["id"]),
        "comments": post_url(world.draft["id"], "/comments"),
        "posts": POSTS,
        "drafts": f"{POSTS}?published=false",
        "with-posts": user_url(ada.id, "/with-posts"),
        "profile": user_url(ada.id, "/profile"),
    }
    anonymous = {name: await client.get(url) for name, url in reads.items()}
    assert anonymous["post"].status_code == 404
    assert anonymous["drafts"].json() == []
    # What the author's live token shows, so that answering as anonymous is seen to narrow it.
    as_ada = {name: await client.get(url, headers=ada.headers) for name, url in reads.items()}
    assert all(as_ada[name].json() != anonymous[name].json() for name in reads)
    bad_headers = {
        "forged token": bearer("forged"),
        "empty bearer": {"Authorization": "Bearer"},
        "another scheme": {"Authorization": f"Basic {ada.token}"},
        "token without a scheme": {"Authorization": ada.token},
        "revoked token": bearer(revoked),
    }
    cases = Cases()

    async def check_like_anonymous(case: str, headers: dict[str, str]) -> None:
        for name, url in reads.items():
            response = await client.get(url, headers=headers)
            expected = anonymous[name]
            expect_json(cases, f"{case}: {name}", response, expected.status_code, expected.json())

    for case, headers in bad_headers.items():
        await check_like_anonymous(case, headers)
    clock.advance(timedelta(seconds=container.settings().access_token_ttl_seconds + 1))
    await check_like_anonymous("expired token", ada.headers)

    cases.assert_all_passed()


@pytest.mark.parametrize("backend", SQL_BACKENDS)
async def test_a_public_read_without_a_token_asks_the_store_nothing_about_tokens(
    request: pytest.FixtureRequest, hasher: Argon2PasswordHasher, backend: str
) -> None:
    container = await container_on(request, backend, hasher)
    async with serving(container) as client:
        ada = await sign_up(client, "ada")
        database = container.database()
        assert isinstance(database, SqlAlchemyDatabase)
        looked_up: dict[str, int] = {}
        for case, headers in (("no header", {}), ("empty bearer", {"Authorization": "Bearer"}), ("token", ada.headers)):
            async with recorded_statements(database) as statements:
                response = await client.get(POSTS, headers=headers)
            assert response.status_code == 200, describe(response)
            looked_up[case] = sum("ACCESS_TOKENS" in statement for statement in statements)

    assert looked_up == {"no header": 0, "empty bearer": 0, "token": 1}
