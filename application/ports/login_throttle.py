"""Counting failed logins, so that passwords cannot be guessed by trying many."""

from __future__ import annotations

from abc import ABC, abstractmethod


class LoginThrottle(ABC):
    """Failed logins per key (a case-folded login name, or a client address) within a window.

    A key's window opens at the first failure counted for it and lasts the adapter's window
    length; once ``max_failures`` failures are counted in it, every further attempt for the
    key is refused until the window has passed. Every adapter keeps this contract
    (``tests/integration/test_login_throttle_contract.py`` runs the same cases on each):

    - ``check(key)`` decides on one attempt and, when it lets it through, counts it as a
      failure in the same atomic step: an attempt is presumed to fail until ``clear`` or
      ``release`` says otherwise. However many attempts race, at most ``max_failures`` of a
      window get through to the password check, where a read now and a write after the
      check would let every racing attempt see the same count. ``None`` lets the attempt
      through; otherwise it answers the whole seconds, at least 1, until the window has
      passed. A refused attempt is not counted and does not move the window.
    - ``clear(key)``: the login succeeded; the key's count is forgotten.
    - ``release(key)``: an attempt that ``check`` let through ended neither with a success
      nor with a wrong password (the store failed, say), or is not to be counted against
      this key: its one count is given back, so the key's count only holds failures. A
      count that reaches zero is forgotten, and the next failure opens a new window.
    - None of them raise for trouble with the adapter's own store: it lets attempts through
      (fails open) rather than stopping every login, and says so in its log and metrics.

    Keys are opaque: equal strings share one count, nothing else does.
    """

    @abstractmethod
    async def check(self, key: str) -> int | None:
        """Count one attempt for ``key`` and let it through (``None``), or refuse it: the
        whole seconds until the key's window has passed."""

    @abstractmethod
    async def clear(self, key: str) -> None:
        """A login for ``key`` succeeded: forget its count."""

    @abstractmethod
    async def release(self, key: str) -> None:
        """Give back the count of one attempt ``check`` let through that was no failure."""
