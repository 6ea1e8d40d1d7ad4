"""LogOut: one token ends at once, and only that one."""

from __future__ import annotations

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import NotAuthenticated
from application.tokens import hash_token
from application.use_cases.identify_caller import IdentifyCaller
from application.use_cases.log_out import LogOut
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.support import UnitsOfWork, log_in, register, rows


async def test_logging_out_ends_that_token_and_no_other(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await register(memory, hasher, clock, "alice")
    await register(memory, hasher, clock, "bob")
    ended = await log_in(memory, hasher, clock, "alice")
    other_device = await log_in(memory, hasher, clock, "alice")
    bobs = await log_in(memory, hasher, clock, "bob")

    await LogOut(uows).execute(ended)

    assert [uow.committed for uow in uows.made] == [True]
    assert set(store.committed.tokens) == {hash_token(other_device), hash_token(bobs)}
    identify = IdentifyCaller(memory.credentials, clock)
    with pytest.raises(NotAuthenticated):
        await identify.execute(ended)
    assert (await identify.execute(other_device)).username == "alice"
    assert (await identify.execute(bobs)).username == "bob"


async def test_logging_out_twice_or_with_an_unknown_token_is_not_an_error(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await register(memory, hasher, clock, "alice")
    token = await log_in(memory, hasher, clock, "alice")
    await LogOut(memory.uow).execute(token)
    before = rows(store)

    await LogOut(memory.uow).execute(token)
    await LogOut(memory.uow).execute("never issued")

    assert rows(store) == before
