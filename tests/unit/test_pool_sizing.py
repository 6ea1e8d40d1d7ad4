from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.sqlalchemy.pool_sizing import MIN_POOL_SIZE, advise_pool


def test_two_hundred_requests_on_a_hundred_connection_server_get_forty_plus_forty() -> None:
    advice = advise_pool(concurrency=200, max_connections=100)
    assert (advice.pool_size, advice.max_overflow, advice.available) == (40, 40, 80)
    assert advice.warning is None


def test_warns_when_the_workers_together_could_exceed_the_server() -> None:
    advice = advise_pool(concurrency=200, max_connections=100, workers=2)
    assert advice.worst_case == 160
    assert advice.warning is not None
    assert "max_connections = 100" in advice.warning


def test_small_load_gets_the_minimum_pool() -> None:
    advice = advise_pool(concurrency=4, max_connections=100)
    assert (advice.pool_size, advice.max_overflow) == (MIN_POOL_SIZE, MIN_POOL_SIZE)


def test_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="positive"):
        advise_pool(concurrency=0, max_connections=100)


@given(
    concurrency=st.integers(1, 100_000),
    max_connections=st.integers(1, 100_000),
    workers=st.integers(1, 64),
)
def test_advice_invariants(concurrency: int, max_connections: int, workers: int) -> None:
    advice = advise_pool(concurrency=concurrency, max_connections=max_connections, workers=workers)
    assert advice.pool_size >= MIN_POOL_SIZE
    assert 0 <= advice.max_overflow <= advice.pool_size
    assert advice.available == int(max_connections * 0.8)
    assert advice.worst_case == workers * (advice.pool_size + advice.max_overflow)
    if advice.available >= 2 * MIN_POOL_SIZE:
        # Enough room: one process never plans past the budget.
        assert advice.pool_size + advice.max_overflow <= advice.available
    assert (advice.warning is None) == (advice.worst_case <= advice.available)


@given(concurrency=st.integers(1, 10_000), max_connections=st.integers(20, 10_000))
def test_more_concurrency_never_shrinks_the_pool(concurrency: int, max_connections: int) -> None:
    smaller = advise_pool(concurrency=concurrency, max_connections=max_connections)
    larger = advise_pool(concurrency=concurrency + 1, max_connections=max_connections)
    assert larger.pool_size >= smaller.pool_size
