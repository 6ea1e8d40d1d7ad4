"""Read-your-writes on lagging replicas, by WAL position.

A request that commits learns the primary's WAL position right after its commit; its
client gets that position back as a consistency token and presents it on its next reads.
A replica serves such a read only once it has replayed WAL past the token, else the
primary does. A position is a byte offset into the WAL, written as PostgreSQL writes a
``pg_lsn`` (``16/B374D848``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

BEYOND_ANY_REPLICA = 2**63 - 1
"""A position no replica reaches: a token that reads from the primary."""
_LSN = re.compile(r"([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})")


def parse_lsn(text: str) -> int | None:
    """The position a token names, or None for anything that is not one."""
    found = _LSN.fullmatch(text.strip())
    if found is None:
        return None
    return int(found[1], 16) << 32 | int(found[2], 16)


def format_lsn(position: int) -> str:
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"


@dataclass
class Session:
    """What one request must see and what it wrote, as WAL positions (None: nothing)."""

    seen: int | None = None
    """The client's token: its reads must see at least this much."""
    wrote: int | None = None
    """Where the primary's WAL was right after this request's last commit."""

    @property
    def required(self) -> int | None:
        """What a read in this request must see: the client's writes and its own."""
        positions = [p for p in (self.seen, self.wrote) if p is not None]
        return max(positions) if positions else None


_current: ContextVar[Session | None] = ContextVar("inkwell_consistency", default=None)


@contextmanager
def tracking(seen: int | None) -> Iterator[Session]:
    """Track the request running in this context; only tracked requests learn positions."""
    session = Session(seen=seen)
    reset = _current.set(session)
    try:
        yield session
    finally:
        _current.reset(reset)


def current() -> Session | None:
    return _current.get()
