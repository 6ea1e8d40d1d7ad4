"""Authenticate: a login and password in exchange for a new access token."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.readers import InMemoryCredentialsReader
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Credentials
from application.errors import InvalidCredentials, NotAuthenticated
from application.tokens import hash_token
from application.use_cases.authenticate import Authenticate, AuthenticateCommand
from application.use_cases.identify_caller import IdentifyCaller
from tests.conftest import Backend
from tests.fakes import ManualClock, cheap_argon2
from tests.unit.support import PASSWORD, TOKEN_TTL, UnitsOfWork, authenticate, log_in, register, rows


def login(login: str, password: str = PASSWORD) -> AuthenticateCommand:
    return AuthenticateCommand(login=login, password=password)


async def deactivate(store: InMemoryStore, user_id: int, clock: ManualClock) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        user.set_active(False, clock.now())
        await uow.commit()


@pytest.mark.parametrize("name", ["alice", "alice@example.com", "ALICE@Example.COM"])
async def test_logs_in_by_username_or_by_email_in_any_case(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock, name: str
) -> None:
    user = await register(memory, hasher, clock, "alice")

    issued = await authenticate(memory, hasher, clock).execute(login(name))

    assert issued.token_type == "bearer"
    assert issued.expires_in == int(TOKEN_TTL.total_seconds())
    caller = await IdentifyCaller(memory.credentials, clock).execute(issued.access_token)
    assert caller.id == user.id


async def test_the_token_is_stored_only_as_a_hash_with_its_expiry(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    user = await register(memory, hasher, clock, "alice")

    issued = await Authenticate(uows, memory.credentials, hasher, clock, TOKEN_TTL).execute(login("alice"))

    assert [uow.committed for uow in uows.made] == [True]
    [token] = store.committed.tokens.values()
    assert token.token_hash == hash_token(issued.access_token)
    assert (token.user_id, token.created_at, token.expires_at) == (user.id, clock.now(), clock.now() + TOKEN_TTL)
    for table in rows(store).values():
        for row in table.values():
            assert issued.access_token not in [str(value) for value in row.values()]
    assert issued.access_token not in store.committed.tokens


async def test_every_login_issues_a_new_distinct_token(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await register(memory, hasher, clock, "alice")

    first = await log_in(memory, hasher, clock, "alice")
    second = await log_in(memory, hasher, clock, "alice")

    assert first != second
    assert len(store.committed.tokens) == 2


@pytest.mark.parametrize(
    ("name", "password"),
    [
        ("alice", "wrong password"),
        ("alice@example.com", "wrong password"),
        ("alice", PASSWORD.upper()),
        ("nobody", PASSWORD),
        ("nobody@example.com", PASSWORD),
        ("Alice", PASSWORD),
        ("", PASSWORD),
    ],
)
async def test_a_wrong_password_or_an_unknown_user_is_refused_and_nothing_is_written(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock, name: str, password: str
) -> None:
    await register(memory, hasher, clock, "alice")
    before = rows(store)

    with pytest.raises(InvalidCredentials) as raised:
        await authenticate(memory, hasher, clock).execute(login(name, password))

    assert str(raised.value) == "Incorrect username or password"
    assert rows(store) == before


async def test_an_inactive_user_is_refused_even_with_the_right_password(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    user = await register(memory, hasher, clock, "alice")
    await deactivate(store, user.id, clock)
    before = rows(store)

    with pytest.raises(InvalidCredentials):
        await authenticate(memory, hasher, clock).execute(login("alice"))

    assert rows(store) == before


async def test_a_token_works_until_it_expires_and_not_from_then_on(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await register(memory, hasher, clock, "alice")
    token = await log_in(memory, hasher, clock, "alice")
    identify = IdentifyCaller(memory.credentials, clock)

    clock.advance(TOKEN_TTL - timedelta(seconds=1))
    assert (await identify.execute(token)).username == "alice"

    clock.advance(timedelta(seconds=1))
    with pytest.raises(NotAuthenticated):
        await identify.execute(token)


async def test_the_users_expired_tokens_are_deleted_on_the_next_login(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    expired_alice = await log_in(memory, hasher, clock, "alice")
    expired_bob = await log_in(memory, hasher, clock, "bob")
    clock.advance(TOKEN_TTL / 2)
    live_alice = await log_in(memory, hasher, clock, "alice")
    clock.advance(TOKEN_TTL / 2)

    fresh_alice = await log_in(memory, hasher, clock, "alice")

    alice_hashes = {t.token_hash for t in store.committed.tokens.values() if t.user_id == alice.id}
    assert alice_hashes == {hash_token(live_alice), hash_token(fresh_alice)}
    assert hash_token(expired_alice) not in store.committed.tokens
    bob_hashes = {t.token_hash for t in store.committed.tokens.values() if t.user_id == bob.id}
    assert bob_hashes == {hash_token(expired_bob)}


async def test_a_hash_made_with_other_parameters_is_replaced_on_login(
    memory: Backend, store: InMemoryStore, clock: ManualClock
) -> None:
    old_hasher, new_hasher = cheap_argon2(time_cost=2), cheap_argon2(time_cost=1)
    try:
        user = await register(memory, old_hasher, clock, "alice")
        old_hash = store.committed.users[user.id].hashed_password
        assert new_hasher.needs_rehash(old_hash)

        await log_in(memory, new_hasher, clock, "alice")

        new_hash = store.committed.users[user.id].hashed_password
        assert new_hash != old_hash
        assert new_hasher.needs_rehash(new_hash) is False
        assert await new_hasher.verify(new_hash, PASSWORD) is True
        assert await log_in(memory, new_hasher, clock, "alice")
    finally:
        old_hasher.close()
        new_hasher.close()


async def test_a_current_hash_is_left_alone_on_login(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    user = await register(memory, hasher, clock, "alice")
    before = store.committed.users[user.id].hashed_password

    await log_in(memory, hasher, clock, "alice")

    assert store.committed.users[user.id].hashed_password == before


class PasswordChangesAfterLookup(InMemoryCredentialsReader):
    """A credentials reader after whose answer the user's password changes (a fake of a race)."""

    def __init__(self, store: InMemoryStore, new_hash: str) -> None:
        super().__init__(store)
        self._store = store
        self._new_hash = new_hash

    async def find_credentials(self, login: str) -> Credentials | None:
        found = await super().find_credentials(login)
        if found is not None:
            async with InMemoryUnitOfWork(self._store) as uow:
                user = await uow.users.get(found.user_id)
                assert user is not None
                user.change_password_hash(self._new_hash, user.updated_at)
                await uow.commit()
        return found


async def test_a_login_racing_a_password_change_is_refused(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await register(memory, hasher, clock, "alice")
    reader = PasswordChangesAfterLookup(store, await hasher.hash("a brand new password"))

    with pytest.raises(InvalidCredentials):
        await Authenticate(memory.uow, reader, hasher, clock, TOKEN_TTL).execute(login("alice"))

    assert store.committed.tokens == {}
