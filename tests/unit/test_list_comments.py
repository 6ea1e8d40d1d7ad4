"""ListComments: a page of one post's comments, in id order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import PostNotFound
from application.queries import Page
from application.use_cases.list_comments import ListComments
from application.views import CommentDTO
from tests.conftest import SUPERUSER_VIEWER, Backend
from tests.fakes import ManualClock
from tests.unit.content_support import alices_draft, comment_on, reverse_storage_order, write_post
from tests.unit.support import register


async def thread(memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock) -> int:
    """A published post with comments c0..c4, stamped in no particular time order and kept in
    reverse id order, next to another published post with comments of its own (both published,
    as each is commented on by a user who is not its author); returns the first post's id."""
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    post = await write_post(memory, clock, alice, "Thread", published=True)
    other = await write_post(memory, clock, bob, "Other thread", published=True)
    for index, hours in enumerate((5, -3, 4, -4, 1)):
        clock.advance(timedelta(hours=hours))
        await comment_on(memory, clock, bob if index % 2 else alice, post.id, f"c{index}")
        await comment_on(memory, clock, alice, other.id, f"elsewhere {index}")
    reverse_storage_order(store)
    return post.id


async def contents(memory: Backend, post_id: int, page: Page) -> list[str]:
    return [c.content for c in await ListComments(memory.posts).execute(post_id, page, viewer=SUPERUSER_VIEWER)]


async def test_the_posts_comments_come_in_id_order_and_only_its_own(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    post_id = await thread(memory, store, hasher, clock)

    found = await ListComments(memory.posts).execute(post_id, Page(), viewer=SUPERUSER_VIEWER)

    assert [c.content for c in found] == ["c0", "c1", "c2", "c3", "c4"]
    assert [c.id for c in found] == sorted(c.id for c in found)
    assert found == [CommentDTO.from_entity(store.committed.comments[c.id]) for c in found]
    assert {c.post_id for c in found} == {post_id}


@pytest.mark.parametrize(
    ("skip", "limit", "expected"),
    [
        (0, 2, ["c0", "c1"]),
        (2, 2, ["c2", "c3"]),
        (4, 2, ["c4"]),
        (5, 2, []),
        (1, 100, ["c1", "c2", "c3", "c4"]),
    ],
)
async def test_a_page_is_the_window_of_the_id_ordered_comments(
    memory: Backend,
    store: InMemoryStore,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    skip: int,
    limit: int,
    expected: list[str],
) -> None:
    post_id = await thread(memory, store, hasher, clock)

    assert await contents(memory, post_id, Page(skip=skip, limit=limit)) == expected


async def test_a_post_without_comments_has_an_empty_list(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Nobody replied")

    assert await contents(memory, post.id, Page()) == []


async def test_the_comments_of_a_missing_post_are_post_not_found(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    post_id = await thread(memory, store, hasher, clock)

    with pytest.raises(PostNotFound):
        await ListComments(memory.posts).execute(post_id + 100, Page(), viewer=SUPERUSER_VIEWER)


async def test_the_comments_of_a_draft_are_post_not_found_to_anyone_but_its_author_and_superusers(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    world = await alices_draft(memory, hasher, clock)

    for viewer in world.allowed:
        assert await ListComments(memory.posts).execute(world.draft.id, Page(), viewer=viewer) == [world.note]
    for other in world.others:
        with pytest.raises(PostNotFound):
            await ListComments(memory.posts).execute(world.draft.id, Page(), viewer=other)
