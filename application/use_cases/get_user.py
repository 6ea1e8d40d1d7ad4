from __future__ import annotations

from application.errors import UserNotFound
from application.ports.readers import UserReader
from application.views import UserDTO


class GetUser:
    """One user by id; raises ``UserNotFound``."""

    def __init__(self, reader: UserReader) -> None:
        self._reader = reader

    async def execute(self, user_id: int) -> UserDTO:
        user = await self._reader.get(user_id)
        if user is None:
            raise UserNotFound()
        return user
