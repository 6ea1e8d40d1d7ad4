"""Argon2PasswordHasher: argon2id hashing off the event loop; unreadable hashes never match."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from adapters.security.argon2 import TIMING_EQUALISER, Argon2PasswordHasher
from tests.fakes import cheap_argon2

BCRYPT_HASH = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"


@pytest.fixture(scope="module")
def costlier() -> Iterator[Argon2PasswordHasher]:
    """The same algorithm with one more pass: other parameters."""
    hasher = cheap_argon2(time_cost=2)
    yield hasher
    hasher.close()


async def test_a_hash_verifies_its_password_and_no_other(hasher: Argon2PasswordHasher) -> None:
    hashed = await hasher.hash("s3cret password")

    assert hashed.startswith("$argon2id$")
    assert "s3cret password" not in hashed
    assert await hasher.verify(hashed, "s3cret password") is True
    assert await hasher.verify(hashed, "s3cret passwor") is False
    assert await hasher.verify(hashed, "S3cret password") is False


async def test_hashes_are_salted(hasher: Argon2PasswordHasher) -> None:
    first, second = await hasher.hash("same"), await hasher.hash("same")

    assert first != second
    assert await hasher.verify(first, "same") and await hasher.verify(second, "same")


async def test_a_unicode_password_round_trips(hasher: Argon2PasswordHasher) -> None:
    hashed = await hasher.hash("pässwörd ✓ 密码")

    assert await hasher.verify(hashed, "pässwörd ✓ 密码") is True
    assert await hasher.verify(hashed, "passwörd ✓ 密码") is False


@pytest.mark.parametrize("password", ["anything", "", TIMING_EQUALISER])
async def test_verifying_for_an_unknown_user_returns_false(hasher: Argon2PasswordHasher, password: str) -> None:
    assert await hasher.verify(None, password) is False


@pytest.mark.parametrize(
    "hashed",
    [
        "",
        "not a hash",
        "$argon2id$v=19$m=8,t=1,p=1$garbage",
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$",
        BCRYPT_HASH,
        "$argon2id$v=19$m=8,t=1,p=1$fOg9x061Umpo/NGIz1GKrw$ro+lq3g//+JIYleVzLmfr9fp6GPa4BBxDEFij341yEü",
        "pässwörd",
        "\ud800",
    ],
    ids=["empty", "text", "truncated", "no digest", "bcrypt", "non-ascii digest", "non-ascii", "lone surrogate"],
)
async def test_verifying_against_an_unreadable_hash_returns_false_and_never_raises(
    hasher: Argon2PasswordHasher, hashed: str
) -> None:
    assert await hasher.verify(hashed, "password") is False


async def test_a_hash_of_the_current_parameters_needs_no_rehash(hasher: Argon2PasswordHasher) -> None:
    assert hasher.needs_rehash(await hasher.hash("password")) is False


async def test_a_hash_of_other_parameters_needs_a_rehash_and_still_verifies(
    hasher: Argon2PasswordHasher, costlier: Argon2PasswordHasher
) -> None:
    older = await costlier.hash("password")

    assert hasher.needs_rehash(older) is True
    assert costlier.needs_rehash(await hasher.hash("password")) is True
    assert await hasher.verify(older, "password") is True


async def test_a_bcrypt_hash_needs_a_rehash(hasher: Argon2PasswordHasher) -> None:
    assert hasher.needs_rehash(BCRYPT_HASH) is True


async def test_the_event_loop_keeps_running_while_an_expensive_hash_is_computed() -> None:
    expensive = Argon2PasswordHasher(time_cost=3, memory_cost_kib=64 * 1024, parallelism=1, max_workers=1)
    try:
        hashing = asyncio.create_task(expensive.hash("password"))
        turns_while_hashing = 0

        async def count_turns() -> None:
            nonlocal turns_while_hashing
            while not hashing.done():
                turns_while_hashing += 1
                await asyncio.sleep(0.001)

        counting = asyncio.create_task(count_turns())
        hashed = await asyncio.wait_for(hashing, timeout=10)
        await counting

        assert await expensive.verify(hashed, "password") is True
        # A hash computed on the loop's own thread would leave no turn to anyone else.
        assert turns_while_hashing >= 5
    finally:
        expensive.close()
