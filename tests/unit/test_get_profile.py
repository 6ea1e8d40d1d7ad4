"""GetProfile: a user with their posts (each with its comments), followers and following."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import UserNotFound
from application.use_cases.get_profile import GetProfile
from application.views import PostDTO, UserSummaryDTO
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import actor, alices_draft, comment_on, follow, reverse_storage_order, write_post
from tests.unit.support import register


async def test_the_profile_holds_the_user_their_posts_with_comments_and_both_follow_lists_in_id_order(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice", full_name="Alice A.")
    bob = await register(memory, hasher, clock, "bob", full_name="Bob B.")
    carol = await register(memory, hasher, clock, "carol")
    dave = await register(memory, hasher, clock, "dave")
    [welcome_id] = [k for k, p in store.committed.posts.items() if p.author_id == alice.id]
    clock.advance(timedelta(hours=4))
    draft = await write_post(memory, clock, alice, "Draft", published=False)
    clock.advance(timedelta(hours=-2))
    live = await write_post(memory, clock, alice, "Live", published=True)
    bobs = await write_post(memory, clock, bob, "Bob's own", published=True)
    on_live_1 = await comment_on(memory, clock, carol, live.id, "carol on live")
    await comment_on(memory, clock, alice, bobs.id, "alice on bob's post")
    clock.advance(timedelta(hours=-1))
    on_live_2 = await comment_on(memory, clock, bob, live.id, "bob on live")
    on_welcome = await comment_on(memory, clock, alice, welcome_id, "alice on her welcome")
    for follower in (dave, bob):
        await follow(memory, clock, follower, alice)
    for followee in (carol, bob):
        await follow(memory, clock, alice, followee)
    await follow(memory, clock, carol, dave)
    reverse_storage_order(store)

    profile = await GetProfile(memory.users).execute(alice.id, viewer=actor(alice))

    assert profile.user == alice
    assert [p.post.id for p in profile.posts] == [welcome_id, draft.id, live.id]
    assert [p.post for p in profile.posts][1:] == [draft, live]
    assert profile.posts[0].post == PostDTO.from_entity(store.committed.posts[welcome_id])
    assert [p.comments for p in profile.posts] == [[on_welcome], [], [on_live_1, on_live_2]]
    assert profile.followers == [
        UserSummaryDTO(id=bob.id, username="bob", full_name="Bob B."),
        UserSummaryDTO(id=dave.id, username="dave", full_name=None),
    ]
    assert profile.following == [
        UserSummaryDTO(id=bob.id, username="bob", full_name="Bob B."),
        UserSummaryDTO(id=carol.id, username="carol", full_name=None),
    ]


async def test_a_new_users_profile_has_only_the_welcome_post_and_no_links(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    carol = await register(memory, hasher, clock, "carol")
    await follow(memory, clock, alice, carol)
    await follow(memory, clock, carol, alice)
    [alices_welcome] = [k for k, p in store.committed.posts.items() if p.author_id == alice.id]
    await comment_on(memory, clock, carol, alices_welcome, "hello alice")
    bob = await register(memory, hasher, clock, "bob")

    profile = await GetProfile(memory.users).execute(bob.id, viewer=None)

    assert profile.user == bob
    assert [(p.post.title, p.post.published, p.comments) for p in profile.posts] == [("Welcome bob!", True, [])]
    assert profile.followers == []
    assert profile.following == []


async def test_an_unknown_user_is_user_not_found(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")

    with pytest.raises(UserNotFound):
        await GetProfile(memory.users).execute(alice.id + 100, viewer=actor(alice))


async def test_a_profile_shows_drafts_and_their_comments_to_their_author_and_superusers_only(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    world = await alices_draft(memory, hasher, clock)

    for viewer in world.allowed:
        profile = await GetProfile(memory.users).execute(world.alice.id, viewer=viewer)
        expected = [("Welcome alice!", []), ("Draft", [world.note])]
        assert [(p.post.title, p.comments) for p in profile.posts] == expected
    for other in world.others:
        profile = await GetProfile(memory.users).execute(world.alice.id, viewer=other)
        assert [(p.post.title, p.comments) for p in profile.posts] == [("Welcome alice!", [])]
