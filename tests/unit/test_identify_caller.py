"""IdentifyCaller: a bearer token resolves to its active owner, or the caller is not authenticated."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import NotAuthenticated
from application.tokens import new_token_secret
from application.use_cases.identify_caller import IdentifyCaller
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.support import TOKEN_TTL, log_in, register


async def test_a_valid_token_names_its_owner(memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock) -> None:
    alice = await register(memory, hasher, clock, "alice")
    await register(memory, hasher, clock, "bob")
    token = await log_in(memory, hasher, clock, "alice")

    assert await IdentifyCaller(memory.credentials, clock).execute(token) == alice


@pytest.mark.parametrize(
    "token",
    ["", "not-a-token", new_token_secret(), "\ud800 not text", "x" * 10_000],
    ids=["empty", "malformed", "unknown", "not-text", "huge"],  # stable ids: one is random
)
async def test_an_unknown_or_malformed_token_is_not_authenticated(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock, token: str
) -> None:
    await register(memory, hasher, clock, "alice")
    await log_in(memory, hasher, clock, "alice")

    with pytest.raises(NotAuthenticated):
        await IdentifyCaller(memory.credentials, clock).execute(token)


async def test_an_expired_token_is_not_authenticated(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await register(memory, hasher, clock, "alice")
    token = await log_in(memory, hasher, clock, "alice")

    clock.advance(TOKEN_TTL + timedelta(microseconds=1))

    with pytest.raises(NotAuthenticated):
        await IdentifyCaller(memory.credentials, clock).execute(token)


async def test_the_token_of_a_deactivated_user_is_not_authenticated(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    token = await log_in(memory, hasher, clock, "alice")
    async with InMemoryUnitOfWork(store) as uow:
        user = await uow.users.get(alice.id)
        assert user is not None
        user.set_active(False, clock.now())
        await uow.commit()

    with pytest.raises(NotAuthenticated):
        await IdentifyCaller(memory.credentials, clock).execute(token)


async def test_the_token_of_a_deleted_user_is_not_authenticated(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    token = await log_in(memory, hasher, clock, "alice")
    async with InMemoryUnitOfWork(store) as uow:
        assert await uow.users.delete(alice.id)
        await uow.commit()

    with pytest.raises(NotAuthenticated):
        await IdentifyCaller(memory.credentials, clock).execute(token)
