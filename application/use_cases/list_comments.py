from __future__ import annotations

from application.dto import CommentDTO, Page
from application.errors import PostNotFound
from application.ports.readers import PostReader


class ListComments:
    """A page of a post's comments ordered by id; raises ``PostNotFound``."""

    def __init__(self, reader: PostReader) -> None:
        self._reader = reader

    async def execute(self, post_id: int, page: Page) -> list[CommentDTO]:
        found = await self._reader.comments(post_id, page)
        if found is None:
            raise PostNotFound()
        return found
