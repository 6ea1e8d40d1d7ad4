from __future__ import annotations

from application.auth import Actor
from application.errors import PostNotFound
from application.ports.readers import PostReader
from application.views import PostDetailDTO


class GetPost:
    """One post with its author and comments, as ``viewer`` (None: anonymous) may see it;
    raises ``PostNotFound`` for a post that does not exist or is a draft hidden from them."""

    def __init__(self, reader: PostReader) -> None:
        self._reader = reader

    async def execute(self, post_id: int, *, viewer: Actor | None) -> PostDetailDTO:
        found = await self._reader.get_detail(post_id, viewer=viewer)
        if found is None:
            raise PostNotFound()
        return found
