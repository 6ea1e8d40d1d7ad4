"""ListPosts: posts with their authors, by id, narrowed by author and published state, paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Actor
from application.queries import Page, PostFilter
from application.use_cases.list_posts import ListPosts, ListPostsQuery
from application.views import UserSummaryDTO
from tests.conftest import SUPERUSER_VIEWER, Backend
from tests.fakes import ManualClock
from tests.unit.content_support import reverse_storage_order, write_post
from tests.unit.support import register

EVERYTHING = PostFilter()


@dataclass(frozen=True)
class Blog:
    alice: UserSummaryDTO
    bob: UserSummaryDTO


async def blog(memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock) -> Blog:
    """Six posts whose creation times do not follow their ids, kept in reverse id order:
    Welcome alice!, Welcome bob! (published), a-draft, b-live, a-live, b-draft."""
    alice = await register(memory, hasher, clock, "alice", full_name="Alice A.")
    bob = await register(memory, hasher, clock, "bob")
    clock.advance(timedelta(hours=5))
    await write_post(memory, clock, alice, "a-draft", published=False)
    clock.advance(timedelta(hours=-1))
    await write_post(memory, clock, bob, "b-live", published=True)
    clock.advance(timedelta(hours=-1))
    await write_post(memory, clock, alice, "a-live", published=True)
    clock.advance(timedelta(hours=3))
    await write_post(memory, clock, bob, "b-draft", published=False)
    reverse_storage_order(store)
    return Blog(
        alice=UserSummaryDTO(id=alice.id, username="alice", full_name="Alice A."),
        bob=UserSummaryDTO(id=bob.id, username="bob", full_name=None),
    )


async def titles(memory: Backend, post_filter: PostFilter = EVERYTHING, page: Page | None = None) -> list[str]:
    query = ListPostsQuery(page=page or Page(), post_filter=post_filter, viewer=SUPERUSER_VIEWER)
    found = await ListPosts(memory.posts).execute(query)
    return [p.post.title for p in found]


async def test_all_posts_come_in_id_order_each_with_its_author(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    people = await blog(memory, store, hasher, clock)

    found = await ListPosts(memory.posts).execute(
        ListPostsQuery(page=Page(), post_filter=EVERYTHING, viewer=SUPERUSER_VIEWER)
    )

    assert [p.post.id for p in found] == sorted(store.committed.posts)
    assert [(p.post.title, p.author) for p in found] == [
        ("Welcome alice!", people.alice),
        ("Welcome bob!", people.bob),
        ("a-draft", people.alice),
        ("b-live", people.bob),
        ("a-live", people.alice),
        ("b-draft", people.bob),
    ]
    assert all(p.post.author_id == p.author.id for p in found)


async def test_each_listed_post_carries_its_stored_fields(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await blog(memory, store, hasher, clock)

    found = await ListPosts(memory.posts).execute(
        ListPostsQuery(page=Page(), post_filter=EVERYTHING, viewer=SUPERUSER_VIEWER)
    )

    for item in found:
        stored = store.committed.posts[item.post.id]
        assert (item.post.title, item.post.content, item.post.published, item.post.author_id) == (
            stored.title,
            stored.content,
            stored.published,
            stored.author_id,
        )
        assert (item.post.created_at, item.post.updated_at) == (stored.created_at, stored.updated_at)


async def test_the_author_filter_keeps_only_that_authors_posts(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    people = await blog(memory, store, hasher, clock)

    assert await titles(memory, PostFilter(author_id=people.alice.id)) == ["Welcome alice!", "a-draft", "a-live"]
    assert await titles(memory, PostFilter(author_id=people.bob.id)) == ["Welcome bob!", "b-live", "b-draft"]


async def test_an_author_filter_naming_nobody_finds_nothing(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    people = await blog(memory, store, hasher, clock)

    assert await titles(memory, PostFilter(author_id=people.bob.id + 100)) == []


async def test_the_published_filter_keeps_only_published_or_only_draft_posts(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await blog(memory, store, hasher, clock)

    assert await titles(memory, PostFilter(published=True)) == ["Welcome alice!", "Welcome bob!", "b-live", "a-live"]
    assert await titles(memory, PostFilter(published=False)) == ["a-draft", "b-draft"]


@pytest.mark.parametrize(("published", "expected"), [(True, ["Welcome bob!", "b-live"]), (False, ["b-draft"])])
async def test_both_filters_together_keep_the_posts_matching_both(
    memory: Backend,
    store: InMemoryStore,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    published: bool,
    expected: list[str],
) -> None:
    people = await blog(memory, store, hasher, clock)

    assert await titles(memory, PostFilter(author_id=people.bob.id, published=published)) == expected


@pytest.mark.parametrize(
    ("skip", "limit", "expected"),
    [
        (0, 2, ["Welcome alice!", "Welcome bob!"]),
        (2, 3, ["a-draft", "b-live", "a-live"]),
        (5, 10, ["b-draft"]),
        (6, 10, []),
        (1, 1, ["Welcome bob!"]),
    ],
)
async def test_a_page_is_the_window_of_the_id_ordered_list(
    memory: Backend,
    store: InMemoryStore,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    skip: int,
    limit: int,
    expected: list[str],
) -> None:
    await blog(memory, store, hasher, clock)

    assert await titles(memory, page=Page(skip=skip, limit=limit)) == expected


async def test_paging_applies_to_the_filtered_list(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    people = await blog(memory, store, hasher, clock)
    alices = PostFilter(author_id=people.alice.id)

    assert await titles(memory, alices, Page(skip=1, limit=1)) == ["a-draft"]
    assert await titles(memory, PostFilter(published=False), Page(skip=1, limit=5)) == ["b-draft"]


async def test_with_no_posts_the_list_is_empty(memory: Backend) -> None:
    assert await titles(memory) == []


@pytest.mark.parametrize(
    ("viewer", "published", "expected"),
    [
        (None, None, ["Welcome alice!", "Welcome bob!", "b-live", "a-live"]),
        ("alice", None, ["Welcome alice!", "Welcome bob!", "a-draft", "b-live", "a-live"]),
        ("bob", None, ["Welcome alice!", "Welcome bob!", "b-live", "a-live", "b-draft"]),
        (None, True, ["Welcome alice!", "Welcome bob!", "b-live", "a-live"]),
        ("alice", True, ["Welcome alice!", "Welcome bob!", "b-live", "a-live"]),
        (None, False, []),
        ("alice", False, ["a-draft"]),
        ("bob", False, ["b-draft"]),
    ],
)
async def test_a_viewer_sees_the_published_posts_and_only_their_own_drafts(
    memory: Backend,
    store: InMemoryStore,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    viewer: str | None,
    published: bool | None,
    expected: list[str],
) -> None:
    people = await blog(memory, store, hasher, clock)
    viewers = {
        "alice": Actor(id=people.alice.id, is_superuser=False),
        "bob": Actor(id=people.bob.id, is_superuser=False),
    }
    query = ListPostsQuery(
        page=Page(), post_filter=PostFilter(published=published), viewer=None if viewer is None else viewers[viewer]
    )

    assert [p.post.title for p in await ListPosts(memory.posts).execute(query)] == expected
