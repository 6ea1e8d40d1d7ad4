"""GetPost: one post with its author and its own comments in id order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import PostNotFound
from application.use_cases.delete_post import DeletePost, DeletePostCommand
from application.use_cases.get_post import GetPost
from application.views import CommentDTO, PostDTO, UserSummaryDTO
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import actor, alices_draft, comment_on, reverse_storage_order, write_post
from tests.unit.support import register


async def test_answers_with_the_post_its_author_and_its_comments_in_id_order(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice", full_name="Alice A.")
    bob = await register(memory, hasher, clock, "bob")
    post = await write_post(memory, clock, alice, "Topic", content="Body", published=True)
    other = await write_post(memory, clock, bob, "Elsewhere", published=True)
    clock.advance(timedelta(hours=3))
    first = await comment_on(memory, clock, bob, post.id, "first")
    clock.advance(timedelta(hours=-2))
    await comment_on(memory, clock, alice, other.id, "not on this post")
    second = await comment_on(memory, clock, alice, post.id, "second, stamped earlier")
    reverse_storage_order(store)

    found = await GetPost(memory.posts).execute(post.id, viewer=None)

    assert found.post == post
    assert found.post == PostDTO.from_entity(store.committed.posts[post.id])
    assert found.author == UserSummaryDTO(id=alice.id, username="alice", full_name="Alice A.")
    assert found.comments == [first, second]
    assert found.comments == [CommentDTO.from_entity(store.committed.comments[c.id]) for c in (first, second)]


async def test_a_post_without_comments_has_an_empty_comment_list(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    [welcome_id] = store.committed.posts
    post = await write_post(memory, clock, alice, "Quiet")
    await comment_on(memory, clock, alice, welcome_id, "on the welcome post")

    found = await GetPost(memory.posts).execute(post.id, viewer=actor(alice))

    assert found.post.title == "Quiet"
    assert found.comments == []


async def test_an_unknown_post_is_post_not_found(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Exists")

    with pytest.raises(PostNotFound):
        await GetPost(memory.posts).execute(post.id + 100, viewer=actor(alice))


async def test_a_deleted_post_is_post_not_found(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Short-lived")
    await comment_on(memory, clock, alice, post.id)
    await DeletePost(memory.uow).execute(DeletePostCommand(actor=actor(alice), post_id=post.id))

    with pytest.raises(PostNotFound):
        await GetPost(memory.posts).execute(post.id, viewer=actor(alice))


async def test_a_draft_is_found_by_its_author_and_superusers_and_is_post_not_found_to_anyone_else(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    world = await alices_draft(memory, hasher, clock)

    for viewer in world.allowed:
        found = await GetPost(memory.posts).execute(world.draft.id, viewer=viewer)
        assert (found.post, found.comments) == (world.draft, [world.note])
    for other in world.others:
        with pytest.raises(PostNotFound):
            await GetPost(memory.posts).execute(world.draft.id, viewer=other)
