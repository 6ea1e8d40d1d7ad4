"""Drafts are private, over HTTP: each public read of posts as an anonymous caller, another
user, the author and a superuser; each write to a post (a comment, PATCH, DELETE) by another
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
    get_json,
    login,
    make_superuser,
    post_fields,
    post_url,
    sign_up,
    stored_rows,
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


async def test_commenting_on_a_draft_is_for_its_author_and_superusers_and_404_to_anyone_else(
    client: httpx.AsyncClient, container: Container
) -> None:
    world = await blog(client, container)
    on_draft_url, on_live_url = post_url(world.draft["id"], "/comments"), post_url(world.live["id"], "/comments")
    before = await stored_rows(container, "comments")
    cases = Cases()

    refused = await client.post(on_draft_url, json={"content": "bob on the draft"}, headers=world.headers("bob"))
    expect_json(cases, "bob", refused, 404, POST_NOT_FOUND)
    # Without a token the answer is the 401 any post gives: it tells nothing about the draft.
    anonymous = await client.post(on_draft_url, json={"content": "anonymous on the draft"})
    as_on_live = await client.post(on_live_url, json={"content": "anonymous on live"})
    expect_json(cases, "anonymous", anonymous, 401, as_on_live.json())
    cases.assert_all_passed()
    assert await stored_rows(container, "comments") == before
    assert await get_json(client, on_draft_url, viewer=world.ada) == [world.on_draft]

    written: list[dict[str, Any]] = []
    for viewer in ("ada", "root"):
        response = await client.post(
            on_draft_url, json={"content": f"{viewer} on the draft"}, headers=world.headers(viewer)
        )
        assert response.status_code == 201, describe(response)
        written.append(response.json())

    assert [(c["post_id"], c["author_id"], c["content"]) for c in written] == [
        (world.draft["id"], world.ada.id, "ada on the draft"),
        (world.draft["id"], world.accounts["root"].id, "root on the draft"),
    ]
    assert await get_json(client, on_draft_url, viewer=world.ada) == [world.on_draft, *written]
    assert await stored_rows(container, "comments") == before + 2


async def test_patch_of_a_draft_is_for_its_author_and_superusers_and_404_to_anyone_else(
    client: httpx.AsyncClient, container: Container
) -> None:
    world = await blog(client, container)
    bob = world.accounts["bob"]
    draft_url, live_url = post_url(world.draft["id"]), post_url(world.live["id"])
    cases = Cases()

    for body in ({"title": "Mine now"}, {"content": "Mine now"}, {"published": True}, {}):
        response = await client.patch(draft_url, json=body, headers=bob.headers)
        expect_json(cases, f"bob on the draft: {body}", response, 404, POST_NOT_FOUND)
    # A published post of someone else exists for bob: editing it is forbidden, not missing.
    for body in ({"title": "Mine now"}, {"content": "Mine now"}, {"published": False}, {}):
        response = await client.patch(live_url, json=body, headers=bob.headers)
        cases.expect_status(f"bob on the published post: {body}", response, 403)
        cases.check(f"bob on the published post: {body}", response.json() != POST_NOT_FOUND, describe(response))
    cases.assert_all_passed()
    assert post_fields(await get_json(client, draft_url, viewer=world.ada)) == world.draft
    assert post_fields(await get_json(client, live_url)) == world.live

    by_author = await client.patch(draft_url, json={"title": "Still a draft"}, headers=world.ada.headers)
    assert by_author.status_code == 200, describe(by_author)
    by_root = await client.patch(draft_url, json={"content": "Moderated"}, headers=world.headers("root"))
    assert by_root.status_code == 200, describe(by_root)

    assert by_author.json() == world.draft | {"title": "Still a draft", "updated_at": by_author.json()["updated_at"]}
    assert by_root.json() == world.draft | {
        "title": "Still a draft",
        "content": "Moderated",
        "updated_at": by_root.json()["updated_at"],
    }
    assert post_fields(await get_json(client, draft_url, viewer=world.ada)) == by_root.json()
    to_bob = await client.get(draft_url, headers=bob.headers)
    assert (to_bob.status_code, to_bob.json()) == (404, POST_NOT_FOUND), describe(to_bob)


async def test_delete_of_a_draft_is_for_its_author_and_superusers_and_404_to_anyone_else(
    client: httpx.AsyncClient, container: Container
) -> None:
    world = await blog(client, container)
    ada, bob, root = world.ada, world.accounts["bob"], world.accounts["root"]
    draft_url, live_url, bobs_draft_url = (
        post_url(world.draft["id"]),
        post_url(world.live["id"]),
        post_url(world.bobs_draft["id"]),
    )
    posts, comments = await stored_rows(container, "posts"), await stored_rows(container, "comments")
    cases = Cases()

    expect_json(cases, "bob on ada's draft", await client.delete(draft_url, headers=bob.headers), 404, POST_NOT_FOUND)
    # A published post of someone else exists for bob: deleting it is forbidden, not missing.
    denied = await client.delete(live_url, headers=bob.headers)
    cases.expect_status("bob on ada's published post", denied, 403)
    cases.check("bob on ada's published post", denied.json() != POST_NOT_FOUND, describe(denied))
    expect_json(
        cases, "ada on bob's draft", await client.delete(bobs_draft_url, headers=ada.headers), 404, POST_NOT_FOUND
    )
    cases.assert_all_passed()
    draft = await get_json(client, draft_url, viewer=ada)
    assert (post_fields(draft), draft["comments"]) == (world.draft, [world.on_draft])
    live = await get_json(client, live_url)
    assert (post_fields(live), live["comments"]) == (world.live, [world.on_live])
    assert post_fields(await get_json(client, bobs_draft_url, viewer=bob)) == world.bobs_draft
    assert (await stored_rows(container, "posts"), await stored_rows(container, "comments")) == (posts, comments)

    own = await client.delete(draft_url, headers=ada.headers)
    assert own.status_code == 204, describe(own)
    moderated = await client.delete(bobs_draft_url, headers=root.headers)
    assert moderated.status_code == 204, describe(moderated)

    for url, viewer in ((draft_url, ada), (draft_url, root), (bobs_draft_url, bob), (bobs_draft_url, root)):
        gone = await client.get(url, headers=viewer.headers)
        assert (gone.status_code, gone.json()) == (404, POST_NOT_FOUND), describe(gone)
    assert (await stored_rows(container, "posts"), await stored_rows(container, "comments")) == (
        posts - 2,
        comments - 1,
    )


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
