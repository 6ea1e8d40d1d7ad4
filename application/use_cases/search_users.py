from __future__ import annotations

from dataclasses import dataclass

from application.ports.readers import UserReader
from application.queries import Page
from application.views import UserDTO


@dataclass(frozen=True, kw_only=True)
class SearchUsersQuery:
    text: str
    page: Page


class SearchUsers:
    """Users whose email, username or full name contains the text, case-insensitively;
    wildcard characters in the text match themselves."""

    def __init__(self, reader: UserReader) -> None:
        self._reader = reader

    async def execute(self, query: SearchUsersQuery) -> list[UserDTO]:
        return await self._reader.search(query.text, query.page)
