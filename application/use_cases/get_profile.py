from __future__ import annotations

from application.auth import Actor
from application.errors import UserNotFound
from application.ports.readers import UserReader
from application.views import ProfileDTO


class GetProfile:
    """A user with their posts that ``viewer`` (None: anonymous) may see (each with its
    comments), followers and following; raises ``UserNotFound``."""

    def __init__(self, reader: UserReader) -> None:
        self._reader = reader

    async def execute(self, user_id: int, *, viewer: Actor | None) -> ProfileDTO:
        found = await self._reader.get_profile(user_id, viewer=viewer)
        if found is None:
            raise UserNotFound()
        return found
