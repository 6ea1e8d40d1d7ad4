"""Pool sizing advice: how many connections one process should hold, given the load it
expects and what the database server allows."""

from __future__ import annotations

from dataclasses import dataclass

RESERVE_FRACTION = 0.2
MIN_POOL_SIZE = 5


@dataclass(frozen=True, kw_only=True)
class PoolAdvice:
    pool_size: int
    max_overflow: int
    available: int
    """The server's connections left for this service once 20% are kept in reserve."""
    worst_case: int
    """workers x (pool_size + max_overflow): what the service may open at its busiest."""
    warning: str | None


def advise_pool(*, concurrency: int, max_connections: int, workers: int = 1) -> PoolAdvice:
    """Pool settings for ``concurrency`` concurrent requests per process.

    Keeps 20% of ``max_connections`` in reserve (for migrations, admins, monitoring):
    ``pool_size = max(5, min(concurrency // 2, available // 2))`` and
    ``max_overflow = min(pool_size, available - pool_size)`` (never below 0). Warns when
    ``workers`` processes at their worst case would need more than the server allows.
    """
    if concurrency < 1 or max_connections < 1 or workers < 1:
        raise ValueError("concurrency, max_connections and workers must be positive")
    available = int(max_connections * (1 - RESERVE_FRACTION))
    pool_size = max(MIN_POOL_SIZE, min(concurrency // 2, available // 2))
    max_overflow = max(0, min(pool_size, available - pool_size))
    worst_case = workers * (pool_size + max_overflow)
    warning = None
    if worst_case > max_connections:
        warning = (
            f"{workers} worker(s) x ({pool_size} + {max_overflow}) = {worst_case} connections at worst, "
            f"more than the server's max_connections = {max_connections}: lower WORKERS, or put PgBouncer in front"
        )
    elif worst_case > available:
        warning = (
            f"{worst_case} connections at worst would eat into the {max_connections - available} "
            f"kept in reserve (max_connections = {max_connections})"
        )
    return PoolAdvice(
        pool_size=pool_size, max_overflow=max_overflow, available=available, worst_case=worst_case, warning=warning
    )
