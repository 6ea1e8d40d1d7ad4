"""argon2id password hashing on a bounded worker pool, off the event loop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from application.ports.security import PasswordHasher


class Argon2PasswordHasher(PasswordHasher):
    """argon2-cffi releases the GIL while hashing, so threads hash truly in parallel; the
    pool's size caps how many hashes (and their memory) run at once."""

    def __init__(
        self,
        *,
        time_cost: int = 2,
        memory_cost_kib: int = 19456,
        parallelism: int = 1,
        max_workers: int | None = None,
    ) -> None:
        self._argon2 = _Argon2(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)
        self._workers = max_workers or os.cpu_count() or 2
        self._executor = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="argon2")
        self._dummy_hash = self._argon2.hash("inkwell timing equaliser")

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._argon2.hash, password)

    async def hash_many(self, passwords: Sequence[str]) -> list[str]:
        # A batch holds at most one job per worker in the pool's queue; a login arriving
        # meanwhile waits for about one hash, not for the whole batch.
        turns = asyncio.Semaphore(self._workers)

        async def one(password: str) -> str:
            async with turns:
                return await self.hash(password)

        return list(await asyncio.gather(*(one(p) for p in passwords)))

    async def verify(self, hashed_password: str | None, password: str) -> bool:
        known = hashed_password is not None
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self._verify, hashed_password or self._dummy_hash, password, known
        )

    def needs_rehash(self, hashed_password: str) -> bool:
        try:
            return self._argon2.check_needs_rehash(hashed_password)
        except (InvalidHashError, UnicodeError):
            return True

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _verify(self, hashed_password: str, password: str, known: bool) -> bool:
        try:
            return self._argon2.verify(hashed_password, password) and known
        except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeError):
            # UnicodeError: argon2 reads a stored hash as ASCII; anything else cannot match.
            return False
