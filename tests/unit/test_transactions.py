"""in_transaction: a unit of work lost before COMMIT runs once more; one lost during COMMIT never."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import (
    ApplicationError,
    CommitOutcomeUnknown,
    ConcurrentChange,
    ConnectionLost,
    StorageTimeout,
)
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction, reads_run_again_when_lost
from application.use_cases.register_user import RegisterUser, RegisterUserCommand
from domain.users import User
from tests.fakes import ManualClock
from tests.unit.support import PASSWORD, rows


class CommitFailsFirst(InMemoryUnitOfWork):
    """The memory unit of work, except that the first commits of a run fail as a store would."""

    def __init__(self, store: InMemoryStore, failures: list[ApplicationError]) -> None:
        super().__init__(store)
        self._failures = failures

    async def _commit(self) -> None:
        if self._failures:
            raise self._failures.pop(0)
        await super()._commit()


class CountingHasher(Argon2PasswordHasher):
    """Real argon2 that counts the hashes it makes."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost_kib=8, parallelism=1, max_workers=1)
        self.hashed = 0

    async def hash(self, password: str) -> str:
        self.hashed += 1
        return await super().hash(password)

    async def hash_many(self, passwords: Sequence[str]) -> list[str]:
        self.hashed += len(passwords)
        return await super().hash_many(passwords)


def failing_then_working(
    store: InMemoryStore, *failures: ApplicationError
) -> tuple[list[UnitOfWork], Callable[[], UnitOfWork]]:
    pending = list(failures)
    made: list[UnitOfWork] = []

    def factory() -> UnitOfWork:
        uow = CommitFailsFirst(store, pending)
        made.append(uow)
        return uow

    return made, factory


async def add_user(uow: UnitOfWork, clock: ManualClock, name: str = "ann") -> int:
    user = User.register(
        email=f"{name}@example.com", username=name, hashed_password="h", full_name=None, now=clock.now()
    )
    await uow.users.add(user)
    await uow.commit()
    assert user.id is not None
    return user.id


@pytest.mark.parametrize("lost", [ConnectionLost(), ConcurrentChange()], ids=["connection-lost", "concurrent-change"])
async def test_work_rolled_back_by_the_store_runs_once_more(
    store: InMemoryStore, clock: ManualClock, lost: ApplicationError
) -> None:
    made, factory = failing_then_working(store, lost)
    user_id = await in_transaction(factory, lambda uow: add_user(uow, clock))
    assert len(made) == 2
    assert list(store.committed.users) == [user_id], "the first attempt left nothing behind"


@pytest.mark.parametrize(
    "failure", [CommitOutcomeUnknown(), StorageTimeout()], ids=["commit-outcome-unknown", "statement-timeout"]
)
async def test_other_failures_are_not_run_again(
    store: InMemoryStore, clock: ManualClock, failure: ApplicationError
) -> None:
    made, factory = failing_then_working(store, failure)
    with pytest.raises(type(failure)):
        await in_transaction(factory, lambda uow: add_user(uow, clock))
    assert len(made) == 1
    assert store.committed.users == {}


async def test_a_second_loss_is_reported(store: InMemoryStore, clock: ManualClock) -> None:
    made, factory = failing_then_working(store, ConnectionLost(), ConnectionLost(), ConnectionLost())
    with pytest.raises(ConnectionLost):
        await in_transaction(factory, lambda uow: add_user(uow, clock))
    assert len(made) == 2
    assert store.committed.users == {}


async def test_a_registration_run_again_hashes_the_password_once(store: InMemoryStore, clock: ManualClock) -> None:
    hasher = CountingHasher()
    made, factory = failing_then_working(store, ConnectionLost())
    try:
        user = await RegisterUser(factory, hasher, clock).execute(
            RegisterUserCommand(email="ann@example.com", username="ann", password=PASSWORD)
        )
    finally:
        hasher.close()
    assert (len(made), hasher.hashed) == (2, 1)
    state = rows(store)
    assert list(state["users"]) == [user.id]
    assert [post["author_id"] for post in state["posts"].values()] == [user.id], "one welcome post, not two"


@reads_run_again_when_lost
class FlakyReader:
    """Loses its connection on the first ``losses`` reads."""

    def __init__(self, losses: int) -> None:
        self.losses = losses
        self.runs = 0

    async def answer(self, value: int) -> int:
        self.runs += 1
        if self.runs <= self.losses:
            raise ConnectionLost()
        return value


async def test_a_read_whose_connection_was_lost_runs_once_more() -> None:
    once = FlakyReader(losses=1)
    assert await once.answer(7) == 7
    assert once.runs == 2

    twice = FlakyReader(losses=2)
    with pytest.raises(ConnectionLost):
        await twice.answer(7)
    assert twice.runs == 2
