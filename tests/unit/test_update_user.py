"""UpdateUser: partial changes by the user or a superuser, all or nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Actor
from application.errors import EmailOrUsernameTaken, NotAuthenticated, PermissionDenied, UserNotFound
from application.use_cases.identify_caller import IdentifyCaller
from application.use_cases.update_user import UpdateUser, UpdateUserCommand
from application.views import UserDTO
from domain.errors import InvalidValue
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.support import PASSWORD, UnitsOfWork, log_in, register, rows

NEW_PASSWORD = "a much better password"


def actor(user: UserDTO) -> Actor:
    return Actor.of(user)


def update(backend: Backend, hasher: Argon2PasswordHasher, clock: ManualClock) -> UpdateUser:
    return UpdateUser(backend.uow, hasher, clock)


async def test_only_the_given_fields_change_and_updated_at_moves(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice", full_name="Alice")
    old_hash = store.committed.users[alice.id].hashed_password
    clock.advance(timedelta(minutes=5))

    updated = await UpdateUser(uows, hasher, clock).execute(
        UpdateUserCommand(actor=actor(alice), user_id=alice.id, username="alice2")
    )

    assert [uow.committed for uow in uows.made] == [True]
    stored = store.committed.users[alice.id]
    assert (stored.username, stored.email, stored.full_name) == ("alice2", "alice@example.com", "Alice")
    assert stored.hashed_password == old_hash
    assert stored.is_active is True
    assert stored.created_at == alice.created_at
    assert stored.updated_at == clock.now()
    assert updated == UserDTO.from_entity(stored)


async def test_several_fields_change_together(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice", full_name="Alice")

    await update(memory, hasher, clock).execute(
        UpdateUserCommand(actor=actor(alice), user_id=alice.id, email="new@example.org", full_name=None)
    )

    stored = store.committed.users[alice.id]
    assert (stored.email, stored.username, stored.full_name) == ("new@example.org", "alice", None)


async def test_changing_the_email_to_its_own_address_in_other_case_is_allowed(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")

    await update(memory, hasher, clock).execute(
        UpdateUserCommand(actor=actor(alice), user_id=alice.id, email="ALICE@example.com")
    )

    assert store.committed.users[alice.id].email == "ALICE@example.com"


async def test_a_superuser_may_change_another_user(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    alice = await register(memory, hasher, clock, "alice")

    await update(memory, hasher, clock).execute(UpdateUserCommand(actor=actor(admin), user_id=alice.id, full_name="Al"))

    assert store.committed.users[alice.id].full_name == "Al"


async def test_an_ordinary_user_may_not_change_another_user_and_nothing_changes(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    before = rows(store)

    with pytest.raises(PermissionDenied):
        await update(memory, hasher, clock).execute(
            UpdateUserCommand(actor=actor(bob), user_id=alice.id, full_name="x")
        )

    assert rows(store) == before


@pytest.mark.parametrize("is_active", [False, True])
async def test_only_a_superuser_may_change_is_active_even_of_oneself(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock, is_active: bool
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    before = rows(store)

    with pytest.raises(PermissionDenied):
        await update(memory, hasher, clock).execute(
            UpdateUserCommand(actor=actor(alice), user_id=alice.id, is_active=is_active, full_name="x")
        )

    assert rows(store) == before


@pytest.mark.parametrize(
    ("email", "username"),
    [("bob@example.com", None), ("BOB@EXAMPLE.com", None), (None, "bob")],
    ids=["email", "email in other case", "username"],
)
async def test_a_taken_email_or_username_is_a_conflict_and_nothing_changes(
    memory: Backend,
    store: InMemoryStore,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    email: str | None,
    username: str | None,
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    await register(memory, hasher, clock, "bob")
    before = rows(store)
    clock.advance(timedelta(minutes=1))
    command = UpdateUserCommand(actor=actor(alice), user_id=alice.id, full_name="Changed", password=NEW_PASSWORD)
    if email is not None:
        command = replace(command, email=email)
    if username is not None:
        command = replace(command, username=username)

    with pytest.raises(EmailOrUsernameTaken) as raised:
        await update(memory, hasher, clock).execute(command)

    assert str(raised.value) == "Email or username already taken"
    assert rows(store) == before


async def test_a_conflict_keeps_the_users_tokens(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    await register(memory, hasher, clock, "bob")
    token = await log_in(memory, hasher, clock, "alice")

    with pytest.raises(EmailOrUsernameTaken):
        await update(memory, hasher, clock).execute(
            UpdateUserCommand(actor=actor(alice), user_id=alice.id, username="bob", password=NEW_PASSWORD)
        )

    assert (await IdentifyCaller(memory.credentials, clock).execute(token)).id == alice.id


@pytest.mark.parametrize(("field", "value"), [("email", "broken"), ("username", "a b"), ("full_name", "n" * 256)])
async def test_an_invalid_value_is_refused_and_nothing_changes(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock, field: str, value: str
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    before = rows(store)
    valid_change = UpdateUserCommand(actor=actor(alice), user_id=alice.id, email="ok@example.com", full_name="ok")
    if field == "email":
        command = replace(valid_change, email=value)
    elif field == "username":
        command = replace(valid_change, username=value)
    else:
        command = replace(valid_change, full_name=value)

    with pytest.raises(InvalidValue) as raised:
        await update(memory, hasher, clock).execute(command)

    assert raised.value.field == field
    assert rows(store) == before


async def test_a_new_password_replaces_the_old_and_ends_all_the_users_tokens(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    alices_tokens = [await log_in(memory, hasher, clock, "alice") for _ in range(2)]
    bobs_token = await log_in(memory, hasher, clock, "bob")

    await update(memory, hasher, clock).execute(
        UpdateUserCommand(actor=actor(alice), user_id=alice.id, password=NEW_PASSWORD)
    )

    stored_hash = store.committed.users[alice.id].hashed_password
    assert NEW_PASSWORD not in stored_hash
    assert await hasher.verify(stored_hash, NEW_PASSWORD) is True
    assert await hasher.verify(stored_hash, PASSWORD) is False
    assert {t.user_id for t in store.committed.tokens.values()} == {bob.id}
    identify = IdentifyCaller(memory.credentials, clock)
    for token in alices_tokens:
        with pytest.raises(NotAuthenticated):
            await identify.execute(token)
    assert (await identify.execute(bobs_token)).username == "bob"
    assert await log_in(memory, hasher, clock, "alice", NEW_PASSWORD)


async def test_deactivation_by_a_superuser_ends_all_the_users_tokens(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    alice = await register(memory, hasher, clock, "alice")
    await log_in(memory, hasher, clock, "alice")
    admins_token = await log_in(memory, hasher, clock, "admin")

    updated = await update(memory, hasher, clock).execute(
        UpdateUserCommand(actor=actor(admin), user_id=alice.id, is_active=False)
    )

    assert updated.is_active is False
    assert store.committed.users[alice.id].is_active is False
    assert {t.user_id for t in store.committed.tokens.values()} == {admin.id}
    assert (await IdentifyCaller(memory.credentials, clock).execute(admins_token)).id == admin.id


async def test_a_superuser_may_reactivate_a_user_who_can_then_log_in(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    alice = await register(memory, hasher, clock, "alice")
    use_case = update(memory, hasher, clock)
    await use_case.execute(UpdateUserCommand(actor=actor(admin), user_id=alice.id, is_active=False))

    await use_case.execute(UpdateUserCommand(actor=actor(admin), user_id=alice.id, is_active=True))

    assert store.committed.users[alice.id].is_active is True
    assert await log_in(memory, hasher, clock, "alice")


async def test_a_change_of_other_fields_keeps_the_users_tokens(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    token = await log_in(memory, hasher, clock, "alice")

    await update(memory, hasher, clock).execute(
        UpdateUserCommand(actor=actor(alice), user_id=alice.id, email="moved@example.com", username="alice_b")
    )

    assert (await IdentifyCaller(memory.credentials, clock).execute(token)).username == "alice_b"


async def test_updating_an_unknown_user_is_user_not_found(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    before = rows(store)

    with pytest.raises(UserNotFound):
        await update(memory, hasher, clock).execute(
            UpdateUserCommand(actor=actor(admin), user_id=admin.id + 100, full_name="x")
        )

    assert rows(store) == before
