from __future__ import annotations

from dataclasses import dataclass

from application.ports.readers import UserReader
from application.queries import Page
from application.views import UserDTO


@dataclass(frozen=True, kw_only=True)
class ListUsersQuery:
    page: Page
    active_only: bool = False


class ListUsers:
    """A page of users ordered by id; active users only, newest first, with ``active_only``."""

    def __init__(self, reader: UserReader) -> None:
        self._reader = reader

    async def execute(self, query: ListUsersQuery) -> list[UserDTO]:
        return await self._reader.list_page(query.page, active_only=query.active_only)
