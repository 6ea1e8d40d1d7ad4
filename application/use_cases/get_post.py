from __future__ import annotations

from application.dto import PostDetailDTO
from application.errors import PostNotFound
from application.ports.readers import PostReader


class GetPost:
    """One post with its author and comments; raises ``PostNotFound``."""

    def __init__(self, reader: PostReader) -> None:
        self._reader = reader

    async def execute(self, post_id: int) -> PostDetailDTO:
        found = await self._reader.get_detail(post_id)
        if found is None:
            raise PostNotFound()
        return found
