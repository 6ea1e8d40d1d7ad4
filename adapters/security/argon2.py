"""argon2id password hashing in worker processes: off the event loop, and out of the server's
memory."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from application.ports.security import PasswordHasher

TIMING_EQUALISER = "inkwell timing equaliser"


class Argon2PasswordHasher(PasswordHasher):
    """Each hash holds ``memory_cost_kib`` of memory while it runs (19 MiB by default). In a
    worker process that memory never weighs on the server's own, and the pool's size caps
    how many hashes, and how much memory, run at once. Workers start fresh (spawned, not
    forked from a server holding sockets and threads) on first use, and import only this
    module and argon2."""

    def __init__(
        self,
        *,
        time_cost: int = 2,
        memory_cost_kib: int = 19456,
        parallelism: int = 1,
        max_workers: int | None = None,
    ) -> None:
        # Reads the parameters of stored hashes; this process never hashes.
        self._parameters = _Argon2(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)
        self._workers = max_workers or os.cpu_count() or 2
        self._executor = ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(time_cost, memory_cost_kib, parallelism),
        )
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._executor, _hash, password)

    async def hash_many(self, passwords: Sequence[str]) -> list[str]:
        # A batch holds at most one job per worker in the pool's queue; a login arriving
        # meanwhile waits for about one hash, not for the whole batch.
        turns = asyncio.Semaphore(self._workers)

        async def one(password: str) -> str:
            async with turns:
                return await self.hash(password)

        return list(await asyncio.gather(*(one(p) for p in passwords)))

    async def verify(self, hashed_password: str | None, password: str) -> bool:
        # An unknown user costs the same hashing work as a known one.
        against = hashed_password if hashed_password is not None else await self._timing_equaliser()
        matches = await asyncio.get_running_loop().run_in_executor(self._executor, _verify, against, password)
        return matches and hashed_password is not None

    def needs_rehash(self, hashed_password: str) -> bool:
        try:
            return self._parameters.check_needs_rehash(hashed_password)
        except (InvalidHashError, UnicodeError):
            return True

    def close(self) -> None:
        """Stop the worker processes, waiting for them: a server that exits by its signal
        right after (as uvicorn does) would otherwise leave them running, orphaned."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    async def _timing_equaliser(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash(TIMING_EQUALISER)
        return self._dummy_hash


# In a worker process: its own argon2, set up once.
_worker: _Argon2 | None = None


def _start_worker(time_cost: int, memory_cost_kib: int, parallelism: int) -> None:
    global _worker
    _worker = _Argon2(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)


def _hash(password: str) -> str:
    assert _worker is not None, "runs in a worker process"
    return _worker.hash(password)


def _verify(hashed_password: str, password: str) -> bool:
    assert _worker is not None, "runs in a worker process"
    try:
        return _worker.verify(hashed_password, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeError):
        # UnicodeError: argon2 reads a stored hash as ASCII; anything else cannot match.
        return False
