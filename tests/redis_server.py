"""The Redis server of the test run: ``redis://127.0.0.1:6379/7`` (override with
``INKWELL_TEST_REDIS_URL``), a database number of the suite's own. Tests write only keys
under a namespace of their own and delete only those."""

from __future__ import annotations

import os
import uuid

import redis

REDIS_URL = os.environ.get("INKWELL_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
# Nothing listens on port 1: connections are refused at once.
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"


def unreachable(url: str = REDIS_URL) -> str | None:
    """Why the test Redis cannot be used, or None."""
    try:
        with redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2) as client:
            client.ping()
    except redis.RedisError as error:
        return f"Redis unreachable at {url}: {error!r}"
    return None


def fresh_namespace() -> str:
    """A key prefix no other test (or run) uses."""
    return f"inkwell-test:{uuid.uuid4().hex}:"


def delete_keys(url: str, *patterns: str) -> None:
    """Delete the keys matching ``patterns`` (a test's own), and nothing else."""
    with redis.Redis.from_url(url) as client:
        for pattern in patterns:
            keys = list(client.scan_iter(match=pattern))
            if keys:
                client.delete(*keys)
