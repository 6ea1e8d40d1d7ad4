"""Fixtures of the integration suite that need a server besides the databases: Redis."""

from __future__ import annotations

import pytest

from tests.conftest import skip_unless_ci
from tests.redis_server import REDIS_URL, unreachable


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis (see tests/redis_server.py); skipped loudly when unreachable, except
    with CI=true, where that is a failure (as for PostgreSQL)."""
    reason = unreachable()
    if reason:
        skip_unless_ci(reason)
    return REDIS_URL
