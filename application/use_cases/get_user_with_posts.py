from __future__ import annotations

from application.dto import UserWithPostsDTO
from application.errors import UserNotFound
from application.ports.readers import UserReader


class GetUserWithPosts:
    """One user with all their posts ordered by id; raises ``UserNotFound``."""

    def __init__(self, reader: UserReader) -> None:
        self._reader = reader

    async def execute(self, user_id: int) -> UserWithPostsDTO:
        found = await self._reader.get_with_posts(user_id)
        if found is None:
            raise UserNotFound()
        return found
