from __future__ import annotations

from adapters.memory.store import InMemoryStore, Tables
from application.ports.readers import ArticleReader, AuthorReader
from application.queries import ArticleFilter, Page
from application.views import AccountDTO, ArticleCommentDTO, ArticleDTO, ArticlePageDTO, AuthorDTO
from domain.comments import Comment
from domain.posts import Post
from domain.users import User


class InMemoryArticleReader(ArticleReader):
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def list_page(self, article_filter: ArticleFilter, page: Page, *, viewer_id: int | None) -> ArticlePageDTO:
        tables = self._store.committed
        return _page(tables, [p for p in _articles(tables) if _passes(tables, p, article_filter)], page, viewer_id)

    async def feed(self, viewer_id: int, page: Page) -> ArticlePageDTO:
        tables = self._store.committed
        followed = {followee for follower, followee in tables.follows if follower == viewer_id}
        return _page(tables, [p for p in _articles(tables) if p.author_id in followed], page, viewer_id)

    async def get(self, slug: str, *, viewer_id: int | None) -> ArticleDTO | None:
        tables = self._store.committed
        found = [p for p in _articles(tables) if p.slug == slug]
        return _article(tables, found[0], viewer_id) if found else None

    async def get_by_id(self, post_id: int, *, viewer_id: int | None) -> ArticleDTO | None:
        tables = self._store.committed
        post = tables.posts.get(post_id)
        return _article(tables, post, viewer_id) if post is not None and post.published else None

    async def comments(self, slug: str, *, viewer_id: int | None) -> list[ArticleCommentDTO] | None:
        tables = self._store.committed
        found = [p for p in _articles(tables) if p.slug == slug]
        if not found:
            return None
        on_post = (c for c in tables.comments.values() if c.post_id == found[0].id)
        return [_comment(tables, c, viewer_id) for c in sorted(on_post, key=_comment_id, reverse=True)]

    async def comment(self, comment_id: int, *, viewer_id: int | None) -> ArticleCommentDTO | None:
        tables = self._store.committed
        comment = tables.comments.get(comment_id)
        if comment is None or not tables.posts[comment.post_id].published:
            return None
        return _comment(tables, comment, viewer_id)

    async def tags(self) -> list[str]:
        tables = self._store.committed
        published = {p.id for p in _articles(tables)}
        return sorted({tag for t in tables.taggings.values() if t.post_id in published for tag in t.tags})


class InMemoryAuthorReader(AuthorReader):
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def profile(self, username: str, *, viewer_id: int | None) -> AuthorDTO | None:
        tables = self._store.committed
        found = [u for u in tables.users.values() if u.username == username]
        return _author(tables, found[0], viewer_id) if found else None

    async def account(self, user_id: int) -> AccountDTO | None:
        user = self._store.committed.users.get(user_id)
        if user is None:
            return None
        assert user.id is not None
        return AccountDTO(id=user.id, email=user.email, username=user.username, bio=user.bio, image=user.image)


def _articles(tables: Tables) -> list[Post]:
    """Every published post, newest first."""
    return sorted((p for p in tables.posts.values() if p.published), key=_post_id, reverse=True)


def _passes(tables: Tables, post: Post, article_filter: ArticleFilter) -> bool:
    if article_filter.tag is not None and article_filter.tag not in _tags(tables, post):
        return False
    if article_filter.author is not None and tables.users[post.author_id].username != article_filter.author:
        return False
    if article_filter.favorited_by is not None:
        fans = {tables.users[f.user_id].username for f in tables.favorites.values() if f.post_id == post.id}
        return article_filter.favorited_by in fans
    return True


def _page(tables: Tables, newest_first: list[Post], page: Page, viewer_id: int | None) -> ArticlePageDTO:
    after = [p for p in newest_first if not page.after_id or _post_id(p) < page.after_id]
    shown = after[page.skip : page.skip + page.limit]
    return ArticlePageDTO(articles=[_article(tables, p, viewer_id) for p in shown], count=len(newest_first))


def _article(tables: Tables, post: Post, viewer_id: int | None) -> ArticleDTO:
    fans = {f.user_id for f in tables.favorites.values() if f.post_id == post.id}
    return ArticleDTO(
        id=_post_id(post),
        slug=post.slug,
        title=post.title,
        description=post.description,
        body=post.content,
        tags=list(_tags(tables, post)),
        created_at=post.created_at,
        updated_at=post.updated_at,
        favorited=viewer_id in fans,
        favorites_count=len(fans),
        author=_author(tables, tables.users[post.author_id], viewer_id),
    )


def _tags(tables: Tables, post: Post) -> tuple[str, ...]:
    tagging = tables.taggings.get(_post_id(post))
    return () if tagging is None else tagging.tags


def _author(tables: Tables, user: User, viewer_id: int | None) -> AuthorDTO:
    assert user.id is not None
    return AuthorDTO(
        id=user.id,
        username=user.username,
        bio=user.bio,
        image=user.image,
        following=viewer_id is not None and (viewer_id, user.id) in tables.follows,
    )


def _comment(tables: Tables, comment: Comment, viewer_id: int | None) -> ArticleCommentDTO:
    return ArticleCommentDTO(
        id=_comment_id(comment),
        body=comment.content,
        created_at=comment.created_at,
        author=_author(tables, tables.users[comment.author_id], viewer_id),
    )


def _post_id(post: Post) -> int:
    assert post.id is not None
    return post.id


def _comment_id(comment: Comment) -> int:
    assert comment.id is not None
    return comment.id
