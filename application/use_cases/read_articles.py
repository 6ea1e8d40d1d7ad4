"""The reads of articles (published posts) and of their authors, for a reader who may be
anonymous (``viewer_id`` None). Each raises the ``NotFound`` of what it names when it is
missing."""

from __future__ import annotations

from application.errors import CommentNotFound, PostNotFound, UserNotFound
from application.ports.readers import ArticleReader, AuthorReader
from application.queries import ArticleFilter, Page
from application.views import AccountDTO, ArticleCommentDTO, ArticleDTO, ArticlePageDTO, AuthorDTO


class ListArticles:
    """Articles newest first, narrowed by tag, author or the user who favours them."""

    def __init__(self, reader: ArticleReader) -> None:
        self._reader = reader

    async def execute(self, article_filter: ArticleFilter, page: Page, *, viewer_id: int | None) -> ArticlePageDTO:
        return await self._reader.list_page(article_filter, page, viewer_id=viewer_id)


class GetFeed:
    """The articles of the users the caller follows, newest first."""

    def __init__(self, reader: ArticleReader) -> None:
        self._reader = reader

    async def execute(self, viewer_id: int, page: Page) -> ArticlePageDTO:
        return await self._reader.feed(viewer_id, page)


class GetArticle:
    """One article, by slug or by the id of its post; raises ``PostNotFound``."""

    def __init__(self, reader: ArticleReader) -> None:
        self._reader = reader

    async def execute(self, slug: str, *, viewer_id: int | None) -> ArticleDTO:
        return _found(await self._reader.get(slug, viewer_id=viewer_id))

    async def by_id(self, post_id: int, *, viewer_id: int | None) -> ArticleDTO:
        return _found(await self._reader.get_by_id(post_id, viewer_id=viewer_id))


def _found(article: ArticleDTO | None) -> ArticleDTO:
    if article is None:
        raise PostNotFound()
    return article


class ListArticleComments:
    """An article's comments, newest first; raises ``PostNotFound``."""

    def __init__(self, reader: ArticleReader) -> None:
        self._reader = reader

    async def execute(self, slug: str, *, viewer_id: int | None) -> list[ArticleCommentDTO]:
        found = await self._reader.comments(slug, viewer_id=viewer_id)
        if found is None:
            raise PostNotFound()
        return found

    async def one(self, comment_id: int, *, viewer_id: int | None) -> ArticleCommentDTO:
        found = await self._reader.comment(comment_id, viewer_id=viewer_id)
        if found is None:
            raise CommentNotFound()
        return found


class ListTags:
    """Every tag an article carries."""

    def __init__(self, reader: ArticleReader) -> None:
        self._reader = reader

    async def execute(self) -> list[str]:
        return await self._reader.tags()


class GetAuthor:
    """A user as an author, by username: their profile, or their own account by id.
    Raises ``UserNotFound``."""

    def __init__(self, reader: AuthorReader) -> None:
        self._reader = reader

    async def execute(self, username: str, *, viewer_id: int | None) -> AuthorDTO:
        found = await self._reader.profile(username, viewer_id=viewer_id)
        if found is None:
            raise UserNotFound()
        return found

    async def account(self, user_id: int) -> AccountDTO:
        found = await self._reader.account(user_id)
        if found is None:
            raise UserNotFound()
        return found
