"""Failed logins counted in Redis, so every worker and instance that shares it shares the
counts. Each decision is one Lua script, which Redis runs atomically; keys hold a hash of
the login name, never the name; and a Redis that is down or slow lets logins through
(fails open), counted and logged, rather than stopping them."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, RedisError

from application.ports.login_throttle import LoginThrottle

logger = logging.getLogger("inkwell.login_throttle")

NAME_NAMESPACE = "inkwell:login-failures:"
ADDRESS_NAMESPACE = "inkwell:login-failures-by-address:"
TIMEOUT_SECONDS = 0.5
"""The longest a login waits on Redis to connect, or to answer, before going on without it."""
MAX_CONNECTIONS = 64

# KEYS[1] the key's failure count; ARGV[1] the limit; ARGV[2] the window in milliseconds.
# 0: let through, and counted (the first count opens the window); otherwise the window's
# milliseconds left. A refused attempt changes nothing.
_CHECK = """
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures >= tonumber(ARGV[1]) then
  local left = redis.call('PTTL', KEYS[1])
  if left > 0 then
    return left
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(ARGV[2])
end
if redis.call('INCR', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# One count given back; a count of zero is forgotten; a key that is gone stays gone.
_RELEASE = """
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('DECR', KEYS[1]) <= 0 then
  redis.call('DEL', KEYS[1])
end
return 0
"""


class _Unavailable:
    """What an operation answers when Redis could not be asked."""


_UNAVAILABLE = _Unavailable()


def redis_client(url: str, *, timeout: float = TIMEOUT_SECONDS) -> Redis:
    """A client that gives up quickly: ``timeout`` to connect and to answer, and one
    immediate retry after a connection error only (a pooled connection Redis closed), never
    after a timeout. redis-py's default, three retries with a backoff of up to seconds,
    would hold every login while Redis is down."""
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 1, supported_errors=(ConnectionError,)),
        max_connections=MAX_CONNECTIONS,
    )


class RedisLoginThrottle(LoginThrottle):
    """The port's contract on a Redis key per throttled key: ``<namespace><sha256 hex of the
    key>``, its value the failure count, its TTL the window left.

    When Redis fails (refused, timed out, an error reply), the attempt is let through and
    ``fail_opens`` grows by one; the next ``pause_seconds`` then skip Redis altogether, so a
    Redis that times out costs one login in that time the timeout, not every login. The
    warning is logged at most once per ``warn_every_seconds``, with how many it stands for.
    """

    def __init__(
        self,
        client: Redis,
        *,
        max_failures: int,
        window: timedelta,
        namespace: str = NAME_NAMESPACE,
        deadline_seconds: float = 2 * TIMEOUT_SECONDS,
        pause_seconds: float = 1.0,
        warn_every_seconds: float = 60.0,
    ) -> None:
        if max_failures < 1 or window < timedelta(milliseconds=1):
            raise ValueError("a login throttle needs max_failures >= 1 and a window of at least 1 ms")
        self._client = client
        self._max_failures = max_failures
        self._window_ms = int(window / timedelta(milliseconds=1))
        self._namespace = namespace
        self._deadline = deadline_seconds
        self._pause = pause_seconds
        self._warn_every = warn_every_seconds
        self._check = client.register_script(_CHECK)
        self._release = client.register_script(_RELEASE)
        self._skip_until = 0.0
        self._next_warning = 0.0
        self._unreported = 0
        self.fail_opens = 0
        """Attempts let through unchecked because Redis was unavailable, in this process."""

    def redis_key(self, key: str) -> str:
        """Where ``key``'s count lives: a digest, so no login name or address sits in Redis."""
        return self._namespace + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    async def check(self, key: str) -> int | None:
        redis_key = self.redis_key(key)
        left = await self._ask(lambda: self._check(keys=[redis_key], args=[self._max_failures, self._window_ms]))
        if isinstance(left, _Unavailable):
            self.fail_opens += 1
            return None
        milliseconds = int(left)
        return None if milliseconds <= 0 else max(1, math.ceil(milliseconds / 1000))

    async def clear(self, key: str) -> None:
        redis_key = self.redis_key(key)
        await self._ask(lambda: self._client.delete(redis_key))

    async def release(self, key: str) -> None:
        redis_key = self.redis_key(key)
        await self._ask(lambda: self._release(keys=[redis_key]))

    async def _ask(self, operation: Callable[[], Awaitable[Any]]) -> Any:
        """The operation's answer, or ``_UNAVAILABLE`` (logged) when Redis could not give one."""
        if time.monotonic() < self._skip_until:
            self._warn("skipped while Redis recovers")
            return _UNAVAILABLE
        try:
            async with asyncio.timeout(self._deadline):
                return await operation()
        except (RedisError, OSError, TimeoutError) as error:
            self._skip_until = time.monotonic() + self._pause
            self._warn(repr(error))
            return _UNAVAILABLE

    def _warn(self, reason: str) -> None:
        self._unreported += 1
        now = time.monotonic()
        if now < self._next_warning:
            return
        self._next_warning = now + self._warn_every
        logger.warning(
            "login throttle: Redis unavailable (%s); logins unthrottled meanwhile (%d time(s) since last warned)",
            reason,
            self._unreported,
        )
        self._unreported = 0
