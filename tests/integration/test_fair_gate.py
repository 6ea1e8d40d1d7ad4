"""Waiting for a connection is first come, first served, and bounded in time."""

from __future__ import annotations

import asyncio

import pytest

from adapters.sqlalchemy.database import PoolSettings, SqlAlchemyDatabase
from adapters.sqlalchemy.fair_gate import FairGate
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.errors import PoolExhausted


async def test_waiters_are_served_in_arrival_order() -> None:
    gate = FairGate(capacity=1, timeout=5)
    served: list[int] = []

    async def visitor(number: int) -> None:
        async with gate.slot():
            served.append(number)
            await asyncio.sleep(0)

    async with gate.slot():
        tasks = []
        for number in range(10):
            tasks.append(asyncio.create_task(visitor(number)))
            await asyncio.sleep(0)  # let it queue before the next arrives
        assert gate.waiting == 10
    await asyncio.gather(*tasks)
    assert served == list(range(10))


async def test_a_newcomer_does_not_overtake_a_waiter() -> None:
    gate = FairGate(capacity=1, timeout=5)
    served: list[str] = []

    async def visit(name: str) -> None:
        async with gate.slot():
            served.append(name)

    holder = gate.slot()
    await holder.__aenter__()
    waiter = asyncio.create_task(visit("waiter"))
    await asyncio.sleep(0)
    await holder.__aexit__(None, None, None)  # the slot goes to the waiter ...
    await visit("newcomer")  # ... so this one, arriving now, queues behind it
    await waiter
    assert served == ["waiter", "newcomer"]


async def test_cancelled_and_timed_out_waiters_leave_no_trace() -> None:
    gate = FairGate(capacity=1, timeout=0.05)
    async with gate.slot():
        cancelled = asyncio.create_task(gate.slot().__aenter__())
        await asyncio.sleep(0)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        with pytest.raises(PoolExhausted):
            async with gate.slot():
                pass
        assert gate.waiting == 0
        assert gate.timeouts == 1  # the cancelled waiter did not time out
    async with gate.slot():  # the slot was not lost
        pass


async def test_pool_of_one_serves_readers_and_units_of_work_in_arrival_order(sql_url: str) -> None:
    database = SqlAlchemyDatabase(sql_url, pool=PoolSettings(size=1, max_overflow=0, timeout=5))
    served: list[int] = []

    async def read(number: int) -> None:
        async with database.read_one():
            served.append(number)
            await asyncio.sleep(0.001)

    async def write(number: int) -> None:
        async with SqlAlchemyUnitOfWork(database) as uow:
            served.append(number)
            await uow.commit()

    try:
        async with database.read_one():
            tasks = []
            for number in range(12):
                tasks.append(asyncio.create_task(read(number) if number % 2 else write(number)))
                await asyncio.sleep(0.001)
        await asyncio.gather(*tasks)
    finally:
        await database.dispose()
    assert served == list(range(12))
