"""GetUser: one user by id."""

from __future__ import annotations

import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import UserNotFound
from application.use_cases.get_user import GetUser
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.support import register


async def test_answers_with_the_user_of_that_id(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob", full_name="Bob")

    found = await GetUser(memory.users).execute(bob.id)

    assert found == bob
    assert (found.username, found.full_name) == ("bob", "Bob")


async def test_the_answer_carries_no_password_or_hash(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")

    found = await GetUser(memory.users).execute(alice.id)

    assert not hasattr(found, "hashed_password")
    assert not hasattr(found, "password")


@pytest.mark.parametrize("user_id", [0, -1, 2, 2**31, 2**63])
async def test_an_unknown_id_is_user_not_found(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock, user_id: int
) -> None:
    await register(memory, hasher, clock, "alice")

    with pytest.raises(UserNotFound) as raised:
        await GetUser(memory.users).execute(user_id)

    assert str(raised.value) == "User not found"
