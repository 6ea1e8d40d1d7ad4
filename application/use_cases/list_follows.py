from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from application.errors import UserNotFound
from application.ports.readers import UserReader
from application.queries import Page
from application.views import UserSummaryDTO


class Direction(Enum):
    FOLLOWERS = "followers"
    FOLLOWING = "following"


@dataclass(frozen=True, kw_only=True)
class ListFollowsQuery:
    user_id: int
    direction: Direction
    page: Page


class ListFollows:
    """A page of a user's followers, or of the users they follow, ordered by id;
    raises ``UserNotFound``."""

    def __init__(self, reader: UserReader) -> None:
        self._reader = reader

    async def execute(self, query: ListFollowsQuery) -> list[UserSummaryDTO]:
        read = self._reader.followers if query.direction is Direction.FOLLOWERS else self._reader.following
        found = await read(query.user_id, query.page)
        if found is None:
            raise UserNotFound()
        return found
