"""Comments: what a user says about a post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.text import require_text

COMMENT_MAX_LENGTH = 10_000


@dataclass(eq=False, kw_only=True)
class Comment:
    id: int | None = None
    post_id: int
    author_id: int
    content: str
    created_at: datetime

    @classmethod
    def write(cls, *, post_id: int, author_id: int, content: str, now: datetime) -> Comment:
        return cls(
            post_id=post_id,
            author_id=author_id,
            content=require_text("content", content, min_length=1, max_length=COMMENT_MAX_LENGTH),
            created_at=now,
        )
