from __future__ import annotations

from application.auth import Actor
from application.errors import PostNotFound
from application.ports.readers import PostReader
from application.queries import Page
from application.views import CommentDTO


class ListComments:
    """A page of a post's comments ordered by id, as ``viewer`` (None: anonymous) may see
    them; raises ``PostNotFound`` for a post that does not exist or is a draft hidden from
    them."""

    def __init__(self, reader: PostReader) -> None:
        self._reader = reader

    async def execute(self, post_id: int, page: Page, *, viewer: Actor | None) -> list[CommentDTO]:
        found = await self._reader.comments(post_id, page, viewer=viewer)
        if found is None:
            raise PostNotFound()
        return found
