from __future__ import annotations

from dataclasses import dataclass

from application.auth import Actor
from application.ports.readers import PostReader
from application.queries import Page, PostFilter
from application.views import PostWithAuthorDTO


@dataclass(frozen=True, kw_only=True)
class ListPostsQuery:
    page: Page
    post_filter: PostFilter
    viewer: Actor | None
    """Who is looking; None is an anonymous caller. Drafts they may not see are left out."""


class ListPosts:
    """A page of the posts the viewer may see, with their authors, ordered by id, optionally
    by one author and/or by published state (``published=False``: the drafts the viewer may
    see)."""

    def __init__(self, reader: PostReader) -> None:
        self._reader = reader

    async def execute(self, query: ListPostsQuery) -> list[PostWithAuthorDTO]:
        return await self._reader.list_page(query.page, query.post_filter, viewer=query.viewer)
