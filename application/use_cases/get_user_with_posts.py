from __future__ import annotations

from application.auth import Actor
from application.errors import UserNotFound
from application.ports.readers import UserReader
from application.views import UserWithPostsDTO


class GetUserWithPosts:
    """One user with all their posts that ``viewer`` (None: anonymous) may see, ordered by
    id; raises ``UserNotFound``."""

    def __init__(self, reader: UserReader) -> None:
        self._reader = reader

    async def execute(self, user_id: int, *, viewer: Actor | None) -> UserWithPostsDTO:
        found = await self._reader.get_with_posts(user_id, viewer=viewer)
        if found is None:
            raise UserNotFound()
        return found
