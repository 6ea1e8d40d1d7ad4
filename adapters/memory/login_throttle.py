"""Failed logins counted in this process: each worker keeps its own counts (the Redis
adapter shares them between workers and instances)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.ports.clock import Clock
from application.ports.login_throttle import LoginThrottle


@dataclass
class _Window:
    failures: int
    ends_at: datetime


class InMemoryLoginThrottle(LoginThrottle):
    """A dict of windows, in the order they opened. Each window lasts as long as the next, so
    the expired ones are always at the front, and each call drops them from there: memory
    stays bounded by the keys that failed within one window. Between two awaits nothing
    else runs on the event loop, so each step is atomic as the port asks."""

    def __init__(self, clock: Clock, *, max_failures: int, window: timedelta) -> None:
        if max_failures < 1 or window <= timedelta(0):
            raise ValueError("a login throttle needs max_failures >= 1 and a positive window")
        self._clock = clock
        self._max_failures = max_failures
        self._window = window
        self._windows: dict[str, _Window] = {}

    async def check(self, key: str) -> int | None:
        now = self._live_at()
        window = self._window_of(key, now)
        if window is None:
            self._windows[key] = _Window(failures=1, ends_at=now + self._window)
            return None
        if window.failures >= self._max_failures:
            return max(1, math.ceil((window.ends_at - now) / timedelta(seconds=1)))
        window.failures += 1
        return None

    async def clear(self, key: str) -> None:
        self._windows.pop(key, None)

    async def release(self, key: str) -> None:
        window = self._window_of(key, self._live_at())
        if window is None:
            return
        window.failures -= 1
        if window.failures <= 0:
            del self._windows[key]

    def _window_of(self, key: str, now: datetime) -> _Window | None:
        window = self._windows.get(key)
        if window is not None and window.ends_at <= now:  # behind a live one: the clock went back
            del self._windows[key]
            return None
        return window

    def _live_at(self) -> datetime:
        """Now, after dropping the windows that have passed."""
        now = self._clock.now()
        windows = self._windows
        while windows:
            key = next(iter(windows))
            if windows[key].ends_at > now:
                break
            del windows[key]
        return now
