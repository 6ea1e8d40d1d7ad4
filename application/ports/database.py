"""The store's lifecycle, as the entrypoints see it."""

from __future__ import annotations

from abc import ABC, abstractmethod

from application.views import PoolStatus


class Database(ABC):
    """A persistence backend that can be probed and closed."""

    @abstractmethod
    async def ping(self) -> None:
        """Return when the store answers; raise when it does not."""

    @abstractmethod
    async def dispose(self) -> None:
        """Release every connection; the backend is not used afterwards."""

    @abstractmethod
    def pool_status(self) -> PoolStatus:
        """The connection pool's gauges and counters (all zero where there is no pool)."""
