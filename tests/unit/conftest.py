"""Fixtures of the unit suite: the in-memory backend only, never a real database."""

from __future__ import annotations

import pytest

from adapters.memory.store import InMemoryStore
from tests.conftest import Backend, memory_backend
from tests.unit.support import UnitsOfWork


@pytest.fixture
def memory() -> Backend:
    return memory_backend()


@pytest.fixture
def store(memory: Backend) -> InMemoryStore:
    assert isinstance(memory.database, InMemoryStore)
    return memory.database


@pytest.fixture
def uows(memory: Backend) -> UnitsOfWork:
    """A unit-of-work factory of the memory backend that keeps what it made, for ``committed``."""
    return UnitsOfWork(memory.uow)
