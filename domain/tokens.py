"""Access tokens: only a hash of the secret is ever kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(eq=False, kw_only=True)
class AccessToken:
    """A bearer credential of one user, valid until ``expires_at``."""

    id: int | None = None
    token_hash: str
    user_id: int
    created_at: datetime
    expires_at: datetime

    def is_valid_at(self, now: datetime) -> bool:
        return now < self.expires_at
