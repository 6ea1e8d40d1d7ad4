"""Follow links: follower -> followee, at most one per pair, never to oneself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError


class SelfFollow(DomainError):
    def __init__(self) -> None:
        super().__init__("You cannot follow yourself")


@dataclass(eq=False, kw_only=True)
class Follow:
    id: int | None = None
    follower_id: int
    followee_id: int
    created_at: datetime

    @classmethod
    def link(cls, *, follower_id: int, followee_id: int, now: datetime) -> Follow:
        if follower_id == followee_id:
            raise SelfFollow()
        return cls(follower_id=follower_id, followee_id=followee_id, created_at=now)
