"""Ports for secrets."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence


class PasswordHasher(ABC):
    """Hashes and verifies passwords without blocking the event loop."""

    @abstractmethod
    async def hash(self, password: str) -> str:
        """A new salted hash of ``password`` with the current parameters."""

    @abstractmethod
    async def hash_many(self, passwords: Sequence[str]) -> list[str]:
        """Hash several passwords in parallel on the worker pool, never queueing more than
        the pool's workers at once, so other requests' hashes keep their turn."""

    @abstractmethod
    async def verify(self, hashed_password: str | None, password: str) -> bool:
        """Whether ``password`` matches. With ``hashed_password`` None (an unknown user) it
        does the same work as a real check and returns False, so both cost the same time.
        A hash it cannot read is a mismatch, never an error."""

    @abstractmethod
    def needs_rehash(self, hashed_password: str) -> bool:
        """Whether the hash was made with other parameters than the current ones."""
