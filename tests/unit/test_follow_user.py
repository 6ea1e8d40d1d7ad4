"""FollowUser: the caller follows another user; following again changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import UserNotFound
from application.use_cases.follow_user import FollowUser, FollowUserCommand
from domain.follows import SelfFollow
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import actor, links
from tests.unit.support import UnitsOfWork, register, rows


async def test_following_stores_one_link_from_the_caller_to_the_user_at_the_clock_time(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    clock.advance(timedelta(minutes=2))

    await FollowUser(uows, clock).execute(FollowUserCommand(actor=actor(alice), user_id=bob.id))

    assert [uow.committed for uow in uows.made] == [True]
    [link] = store.committed.follows.values()
    assert (link.follower_id, link.followee_id, link.created_at) == (alice.id, bob.id, clock.now())


async def test_following_changes_nothing_but_the_links(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    before = rows(store)

    await FollowUser(memory.uow, clock).execute(FollowUserCommand(actor=actor(alice), user_id=bob.id))

    after = rows(store)
    assert len(after.pop("follows")) == 1
    before.pop("follows")
    assert after == before


async def test_following_again_keeps_the_one_link_raises_nothing_and_commits(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    follow = FollowUser(uows, clock)
    await follow.execute(FollowUserCommand(actor=actor(alice), user_id=bob.id))
    before = rows(store)
    clock.advance(timedelta(days=1))

    await follow.execute(FollowUserCommand(actor=actor(alice), user_id=bob.id))

    assert [uow.committed for uow in uows.made] == [True, True]
    assert rows(store) == before
    assert links(store) == {(alice.id, bob.id)}


async def test_a_link_goes_one_way_and_the_other_user_may_follow_back(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    follow = FollowUser(memory.uow, clock)

    await follow.execute(FollowUserCommand(actor=actor(alice), user_id=bob.id))
    assert links(store) == {(alice.id, bob.id)}

    await follow.execute(FollowUserCommand(actor=actor(bob), user_id=alice.id))
    assert links(store) == {(alice.id, bob.id), (bob.id, alice.id)}


@pytest.mark.parametrize("superuser", [False, True])
async def test_following_oneself_is_self_follow_and_nothing_is_written(
    memory: Backend,
    store: InMemoryStore,
    uows: UnitsOfWork,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    superuser: bool,
) -> None:
    alice = await register(memory, hasher, clock, "alice", is_superuser=superuser)
    before = rows(store)

    with pytest.raises(SelfFollow):
        await FollowUser(uows, clock).execute(FollowUserCommand(actor=actor(alice), user_id=alice.id))

    assert rows(store) == before
    assert not any(uow.committed for uow in uows.made)


async def test_following_a_missing_user_is_user_not_found_and_nothing_is_written(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    await FollowUser(memory.uow, clock).execute(FollowUserCommand(actor=actor(bob), user_id=alice.id))
    before = rows(store)

    with pytest.raises(UserNotFound):
        await FollowUser(uows, clock).execute(FollowUserCommand(actor=actor(alice), user_id=bob.id + 100))

    assert rows(store) == before
    assert not any(uow.committed for uow in uows.made)
