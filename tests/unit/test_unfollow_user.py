"""UnfollowUser: the caller's link to a user goes; with no link, nothing happens."""

from __future__ import annotations

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import UserNotFound
from application.use_cases.unfollow_user import UnfollowUser, UnfollowUserCommand
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import actor, follow, links
from tests.unit.support import UnitsOfWork, register, rows


async def test_unfollowing_removes_only_the_callers_link_to_that_user(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    carol = await register(memory, hasher, clock, "carol")
    await follow(memory, clock, alice, bob)
    await follow(memory, clock, bob, alice)
    await follow(memory, clock, carol, bob)
    await follow(memory, clock, alice, carol)
    before = rows(store)

    await UnfollowUser(uows).execute(UnfollowUserCommand(actor=actor(alice), user_id=bob.id))

    assert [uow.committed for uow in uows.made] == [True]
    assert links(store) == {(bob.id, alice.id), (carol.id, bob.id), (alice.id, carol.id)}
    after = rows(store)
    after.pop("follows")
    before.pop("follows")
    assert after == before


async def test_unfollowing_a_user_one_does_not_follow_changes_nothing_and_is_no_error(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    await follow(memory, clock, bob, alice)
    before = rows(store)

    await UnfollowUser(uows).execute(UnfollowUserCommand(actor=actor(alice), user_id=bob.id))

    assert rows(store) == before
    assert links(store) == {(bob.id, alice.id)}
    assert [uow.committed for uow in uows.made] == [True]


async def test_unfollowing_twice_is_the_same_as_unfollowing_once(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    await follow(memory, clock, alice, bob)
    unfollow = UnfollowUser(memory.uow)
    command = UnfollowUserCommand(actor=actor(alice), user_id=bob.id)

    await unfollow.execute(command)
    once = rows(store)
    await unfollow.execute(command)

    assert rows(store) == once
    assert links(store) == set()


async def test_a_user_may_follow_again_after_unfollowing(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    await follow(memory, clock, alice, bob)
    await UnfollowUser(memory.uow).execute(UnfollowUserCommand(actor=actor(alice), user_id=bob.id))

    await follow(memory, clock, alice, bob)

    assert links(store) == {(alice.id, bob.id)}


async def test_unfollowing_a_missing_user_is_user_not_found_and_nothing_changes(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    await follow(memory, clock, alice, bob)
    before = rows(store)

    with pytest.raises(UserNotFound):
        await UnfollowUser(uows).execute(UnfollowUserCommand(actor=actor(alice), user_id=bob.id + 100))

    assert rows(store) == before
    assert not any(uow.committed for uow in uows.made)
