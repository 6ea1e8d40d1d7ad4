"""Keyset pages over HTTP: every list takes ``after_id``, and a full page carries
``Link: <...>; rel="next"``; following those links visits every item once and in order,
also while items are deleted between pages (the cursor's own included)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.container import Container
from entrypoints.settings import Settings
from tests.e2e.conftest import serving, wired
from tests.e2e.helpers import (
    POSTS,
    SEARCH,
    USERS,
    Account,
    Cases,
    add_comment,
    create_post,
    describe,
    make_superuser,
    post_url,
    sign_up,
    user_url,
)

LIMIT = 2
NEXT = re.compile(r'^<([^<>]+)>; rel="next"$')


@dataclass(frozen=True)
class Listing:
    """One list of the API: its first page's URL, and how one of its items goes."""

    url: str
    remove: Callable[[int], Awaitable[None]]


@dataclass(frozen=True)
class World:
    root: Account
    listings: dict[str, Listing]


async def build_world(client: httpx.AsyncClient, container: Container) -> World:
    root = await make_superuser(client, container)
    author = await sign_up(client, "author")
    star = await sign_up(client, "star")
    members = [await sign_up(client, f"member{n}") for n in range(5)]
    fans = [await sign_up(client, f"fan{n}") for n in range(5)]
    commenters = [await sign_up(client, f"commenter{n}") for n in range(5)]
    post_ids = [(await create_post(client, author, title=f"p{n}", published=True))["id"] for n in range(5)]
    commented = post_ids[0]
    comment_authors = {}
    for commenter in commenters:
        comment_authors[(await add_comment(client, commenter, commented, "hi"))["id"]] = commenter.id
    for fan in fans:
        assert (await client.post(user_url(star.id, "/follow"), headers=fan.headers)).status_code == 204
    for member in members:
        assert (await client.post(user_url(member.id, "/follow"), headers=star.headers)).status_code == 204
    tokens = {account.id: account for account in fans}

    async def expect_204(response: httpx.Response) -> None:
        assert response.status_code == 204, describe(response)

    async def delete_user(user_id: int) -> None:
        await expect_204(await client.delete(user_url(user_id), headers=root.headers))

    async def delete_post(post_id: int) -> None:
        await expect_204(await client.delete(post_url(post_id), headers=root.headers))

    async def delete_comment(comment_id: int) -> None:
        await delete_user(comment_authors[comment_id])  # their comments go with them

    async def unfollowed_by(fan_id: int) -> None:
        await expect_204(await client.delete(user_url(star.id, "/follow"), headers=tokens[fan_id].headers))

    async def unfollow(followee_id: int) -> None:
        await expect_204(await client.delete(user_url(followee_id, "/follow"), headers=star.headers))

    # In this order: a walk's deletions only shrink the lists walked after it.
    listings = {
        "comments": Listing(post_url(commented, f"/comments?limit={LIMIT}"), delete_comment),
        "posts of an author": Listing(f"{POSTS}?author_id={author.id}&published=true&limit={LIMIT}", delete_post),
        "posts": Listing(f"{POSTS}?limit={LIMIT}", delete_post),
        "followers": Listing(user_url(star.id, f"/followers?limit={LIMIT}"), unfollowed_by),
        "following": Listing(user_url(star.id, f"/following?limit={LIMIT}"), unfollow),
        "search": Listing(f"{SEARCH}?q=MEMBER&limit={LIMIT}", delete_user),
        "active users": Listing(f"{USERS}?active_only=true&limit={LIMIT}", delete_user),
        "users": Listing(f"{USERS}?limit={LIMIT}", delete_user),
    }
    return World(root, listings)


def next_link(response: httpx.Response) -> str | None:
    link = response.headers.get("link")
    if link is None:
        return None
    found = NEXT.match(link)
    assert found is not None, link
    return found.group(1)


def everything(url: str) -> str:
    """The whole list at once: the same URL with room for every item."""
    return url.replace(f"limit={LIMIT}", "limit=100")


async def ids_at(client: httpx.AsyncClient, url: str) -> list[int]:
    response = await client.get(url)
    assert response.status_code == 200, describe(response)
    return [item["id"] for item in response.json()]


async def walk(
    client: httpx.AsyncClient, url: str, between_pages: Callable[[list[int]], Awaitable[None]] | None = None
) -> list[int]:
    """Every id the list shows, following its Link headers from ``url``."""
    seen: list[int] = []
    next_url: str | None = url
    for _ in range(100):
        if next_url is None:
            return seen
        response = await client.get(next_url)
        assert response.status_code == 200, describe(response)
        page = [item["id"] for item in response.json()]
        seen += page
        next_url = next_link(response)
        assert (next_url is not None) == (len(page) == LIMIT), describe(response)
        if next_url is not None and between_pages is not None:
            await between_pages(page)
    raise AssertionError(f"the walk does not end: {seen}")


async def test_following_the_links_visits_every_item_once_in_order_while_items_go(
    client: httpx.AsyncClient, container: Container
) -> None:
    world = await build_world(client, container)
    cases = Cases()
    for name, listing in world.listings.items():
        order = await ids_at(client, everything(listing.url))
        cases.check(name, await walk(client, listing.url) == order, f"the walk of {listing.url} at rest")
        gone_unseen: list[int] = []

        async def cursor_and_the_next_one(
            page: list[int], order: list[int] = order, listing: Listing = listing, gone: list[int] = gone_unseen
        ) -> None:
            # The page's last item (the cursor itself) goes, and so does the item after it;
            # the superuser who deletes stays.
            at = order.index(page[-1])
            for item in order[at : at + 2]:
                if item != world.root.id:
                    await listing.remove(item)
                    if item != page[-1]:
                        gone.append(item)

        walked = await walk(client, listing.url, cursor_and_the_next_one)
        cases.check(name, bool(gone_unseen), f"nothing went while walking {listing.url}")
        expected = [item for item in order if item not in gone_unseen]
        cases.check(name, walked == expected, f"walked {walked}, expected {expected}")
    cases.assert_all_passed()


@pytest.fixture
async def memory_client(hasher: Argon2PasswordHasher) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP-only behaviour (query validation, headers) needs one backend: memory."""
    async with serving(wired(Settings(persistence="memory"), hasher)) as client:
        yield client


def list_urls(user_id: int, post_id: int) -> list[str]:
    return [
        USERS,
        f"{USERS}?active_only=true",
        f"{SEARCH}?q=someone",
        POSTS,
        post_url(post_id, "/comments"),
        user_url(user_id, "/followers"),
        user_url(user_id, "/following"),
    ]


def with_query(url: str, **params: object) -> str:
    """``url`` with more query parameters after its own."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


async def test_after_id_answers_422_unless_it_is_an_integer_from_0_to_2_31_minus_1(
    memory_client: httpx.AsyncClient,
) -> None:
    someone = await sign_up(memory_client, "someone")
    post = await create_post(memory_client, someone, published=True)
    cases = Cases()
    for url in list_urls(someone.id, post["id"]):
        for bad in ("abc", "-1", "1.5", str(2**31), ""):
            response = await memory_client.get(with_query(url, after_id=bad))
            cases.expect_validation_error(f"{url} after_id={bad!r}", response)
            if response.status_code == 422:
                locations = [error["loc"] for error in response.json()["detail"]]
                cases.check(f"{url} after_id={bad!r}", locations == [["query", "after_id"]], describe(response))
        for good in ("0", str(2**31 - 1)):
            cases.expect_status(f"{url} after_id={good}", await memory_client.get(with_query(url, after_id=good)), 200)
    cases.assert_all_passed()


async def test_only_a_full_page_carries_a_link(memory_client: httpx.AsyncClient) -> None:
    someone = await sign_up(memory_client, "someone")
    fan = await sign_up(memory_client, "fan")
    post = await create_post(memory_client, someone, published=True)
    await add_comment(memory_client, fan, post["id"], "hi")
    assert (await memory_client.post(user_url(someone.id, "/follow"), headers=fan.headers)).status_code == 204
    assert (await memory_client.post(user_url(fan.id, "/follow"), headers=someone.headers)).status_code == 204
    cases = Cases()
    for url in list_urls(someone.id, post["id"]):
        full = await memory_client.get(with_query(url, limit=1))
        roomy = await memory_client.get(with_query(url, limit=100))
        cases.check(url, full.status_code == roomy.status_code == 200, f"{describe(full)} / {describe(roomy)}")
        cases.check(url, len(full.json()) == 1 and next_link(full) is not None, describe(full))
        cases.check(url, 0 < len(roomy.json()) < 100, describe(roomy))
        cases.check(url, "link" not in roomy.headers, f"{describe(roomy)}: {roomy.headers.get('link')}")
    cases.assert_all_passed()


async def test_the_link_is_the_same_request_after_the_last_id_without_skip(memory_client: httpx.AsyncClient) -> None:
    ids = [(await sign_up(memory_client, f"member{n}")).id for n in range(6)]

    response = await memory_client.get(SEARCH, params={"limit": 2, "q": "MEMBER", "skip": 1, "after_id": ids[0]})

    assert [user["id"] for user in response.json()] == ids[2:4]
    link = next_link(response)
    assert link is not None
    assert urlsplit(link).path == SEARCH and not urlsplit(link).netloc
    assert parse_qsl(urlsplit(link).query) == [("limit", "2"), ("q", "MEMBER"), ("after_id", str(ids[3]))]
    assert link == f"{SEARCH}?limit=2&q=MEMBER&after_id={ids[3]}"
    assert [user["id"] for user in (await memory_client.get(link)).json()] == ids[4:6]
