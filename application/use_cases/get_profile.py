from __future__ import annotations

from application.dto import ProfileDTO
from application.errors import UserNotFound
from application.ports.readers import UserReader


class GetProfile:
    """A user with their posts (each with comments), followers and following;
    raises ``UserNotFound``."""

    def __init__(self, reader: UserReader) -> None:
        self._reader = reader

    async def execute(self, user_id: int) -> ProfileDTO:
        found = await self._reader.get_profile(user_id)
        if found is None:
            raise UserNotFound()
        return found
