"""DeleteUser: a user goes with their posts and tokens, by their own hand or a superuser's."""

from __future__ import annotations

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Actor
from application.errors import NotAuthenticated, PermissionDenied, UserNotFound
from application.use_cases.delete_user import DeleteUser, DeleteUserCommand
from application.use_cases.identify_caller import IdentifyCaller
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.support import UnitsOfWork, log_in, register, rows


async def test_a_user_deleting_themself_takes_their_posts_and_tokens_along(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    alices_token = await log_in(memory, hasher, clock, "alice")
    bobs_token = await log_in(memory, hasher, clock, "bob")

    await DeleteUser(uows).execute(DeleteUserCommand(actor=Actor(id=alice.id, is_superuser=False), user_id=alice.id))

    assert [uow.committed for uow in uows.made] == [True]
    assert list(store.committed.users) == [bob.id]
    assert {p.author_id for p in store.committed.posts.values()} == {bob.id}
    assert {t.user_id for t in store.committed.tokens.values()} == {bob.id}
    identify = IdentifyCaller(memory.credentials, clock)
    with pytest.raises(NotAuthenticated):
        await identify.execute(alices_token)
    assert (await identify.execute(bobs_token)).id == bob.id


async def test_a_superuser_may_delete_another_user(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    alice = await register(memory, hasher, clock, "alice")

    await DeleteUser(memory.uow).execute(
        DeleteUserCommand(actor=Actor(id=admin.id, is_superuser=True), user_id=alice.id)
    )

    assert list(store.committed.users) == [admin.id]


async def test_another_ordinary_user_may_not_delete_and_nothing_changes(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    await log_in(memory, hasher, clock, "alice")
    before = rows(store)

    with pytest.raises(PermissionDenied):
        await DeleteUser(memory.uow).execute(
            DeleteUserCommand(actor=Actor(id=bob.id, is_superuser=False), user_id=alice.id)
        )

    assert rows(store) == before


async def test_deleting_an_unknown_user_is_user_not_found(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    before = rows(store)

    with pytest.raises(UserNotFound):
        await DeleteUser(memory.uow).execute(
            DeleteUserCommand(actor=Actor(id=admin.id, is_superuser=True), user_id=admin.id + 100)
        )

    assert rows(store) == before


async def test_deleting_oneself_twice_is_user_not_found(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    command = DeleteUserCommand(actor=Actor(id=alice.id, is_superuser=False), user_id=alice.id)
    await DeleteUser(memory.uow).execute(command)

    with pytest.raises(UserNotFound):
        await DeleteUser(memory.uow).execute(command)
