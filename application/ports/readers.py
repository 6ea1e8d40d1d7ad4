"""Readers: the read side. They return DTOs, never entities, and change nothing.

Drafts are private: every read of posts takes the ``viewer`` (an ``Actor``, or None for an
anonymous caller) and answers as if the drafts that viewer may not see
(``domain.posts.is_visible``) did not exist, their comments included.

Lists are paged by a ``Page``: the items after ``page.after_id`` in the list's own order
(ids greater than it in a list ordered by id, smaller in one ordered newest first; 0 means
from the beginning), then ``page.skip`` of them left out, then at most ``page.limit``. The
item named by ``after_id`` need not exist any more (it may have been deleted since it was
read): the page starts where it would have been. Reading a list page by page, each page
after the last id of the one before, meets every item that is in the list all along exactly
once, in order, whatever else is added or removed meanwhile. In a database each page is an
index range scan, so it costs the same at any depth.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from application.auth import Actor, Credentials
from application.queries import ArticleFilter, Page, PostFilter
from application.views import (
    AccountDTO,
    ArticleCommentDTO,
    ArticleDTO,
    ArticlePageDTO,
    AuthorDTO,
    CommentDTO,
    PostDetailDTO,
    PostWithAuthorDTO,
    ProfileDTO,
    UserDTO,
    UserSummaryDTO,
    UserWithPostsDTO,
)


class UserReader(ABC):
    """Queries over users; each call sees one consistent state of the store."""

    @abstractmethod
    async def get(self, user_id: int) -> UserDTO | None:
        """One user, or None."""

    @abstractmethod
    async def list_page(self, page: Page, *, active_only: bool) -> list[UserDTO]:
        """Users ordered by id; with ``active_only``, active users only, newest first (by id
        descending, so the page after ``after_id`` holds smaller ids)."""

    @abstractmethod
    async def search(self, query: str, page: Page) -> list[UserDTO]:
        """Users whose email, username or full name contains ``query`` (case-insensitive,
        ``%``, ``_`` and ``\\`` match themselves), ordered by id."""

    @abstractmethod
    async def get_with_posts(self, user_id: int, *, viewer: Actor | None) -> UserWithPostsDTO | None:
        """One user with all their posts that ``viewer`` may see, ordered by id; or None if
        there is no such user."""

    @abstractmethod
    async def get_profile(self, user_id: int, *, viewer: Actor | None) -> ProfileDTO | None:
        """One user with their posts that ``viewer`` may see (each with its comments),
        followers and following, all ordered by id; or None if there is no such user. A
        constant number of statements, whatever the rows or the viewer."""

    @abstractmethod
    async def followers(self, user_id: int, page: Page) -> list[UserSummaryDTO] | None:
        """Users following ``user_id``, ordered by id; None if there is no such user."""

    @abstractmethod
    async def following(self, user_id: int, page: Page) -> list[UserSummaryDTO] | None:
        """Users ``user_id`` follows, ordered by id; None if there is no such user."""

    @abstractmethod
    async def taken(self, emails: Sequence[str], usernames: Sequence[str]) -> tuple[set[str], set[str]]:
        """Which of these emails (answered lower-cased, compared case-insensitively) and
        usernames already belong to a user."""


class PostReader(ABC):
    """Queries over posts and comments; each call sees one consistent state of the store."""

    @abstractmethod
    async def list_page(self, page: Page, post_filter: PostFilter, *, viewer: Actor | None) -> list[PostWithAuthorDTO]:
        """The posts ``viewer`` may see, with their authors, ordered by id, narrowed by the
        filter and then paged: with ``published`` None, every published post and the drafts
        the viewer may see; True, published posts only; False, only the drafts the viewer
        may see (their own; every draft for a superuser; none when anonymous)."""

    @abstractmethod
    async def get_detail(self, post_id: int, *, viewer: Actor | None) -> PostDetailDTO | None:
        """One post with its author and its comments ordered by id; None if there is no such
        post or ``viewer`` may not see it."""

    @abstractmethod
    async def comments(self, post_id: int, page: Page, *, viewer: Actor | None) -> list[CommentDTO] | None:
        """A post's comments ordered by id; None if there is no such post or ``viewer`` may
        not see it."""


class ArticleReader(ABC):
    """Published posts as articles, for a reader ``viewer_id`` (None: anonymous) whose
    ``following`` and ``favorited`` they answer. Drafts do not exist here, for anyone.

    Lists are newest first (by id descending) and paged by ``Page``; each answers in a
    constant number of statements whatever the page size, and counts the whole list."""

    @abstractmethod
    async def list_page(self, article_filter: ArticleFilter, page: Page, *, viewer_id: int | None) -> ArticlePageDTO:
        """The articles the filter lets through."""

    @abstractmethod
    async def feed(self, viewer_id: int, page: Page) -> ArticlePageDTO:
        """The articles of the users ``viewer_id`` follows."""

    @abstractmethod
    async def get(self, slug: str, *, viewer_id: int | None) -> ArticleDTO | None:
        """The article with this slug, or None (also for a draft)."""

    @abstractmethod
    async def get_by_id(self, post_id: int, *, viewer_id: int | None) -> ArticleDTO | None:
        """The article of this post, or None (also for a draft)."""

    @abstractmethod
    async def comments(self, slug: str, *, viewer_id: int | None) -> list[ArticleCommentDTO] | None:
        """The article's comments, newest first, with their authors; None if there is no
        such article."""

    @abstractmethod
    async def comment(self, comment_id: int, *, viewer_id: int | None) -> ArticleCommentDTO | None:
        """One comment on an article, or None."""

    @abstractmethod
    async def tags(self) -> list[str]:
        """Every tag some article carries, by name."""


class AuthorReader(ABC):
    """Users as the writers of articles."""

    @abstractmethod
    async def profile(self, username: str, *, viewer_id: int | None) -> AuthorDTO | None:
        """The user with this username, or None."""

    @abstractmethod
    async def account(self, user_id: int) -> AccountDTO | None:
        """The user with this id as they see themself, or None."""


class CredentialsReader(ABC):
    """What authentication reads. Always answers from the primary store."""

    @abstractmethod
    async def find_credentials(self, login: str) -> Credentials | None:
        """The user whose email (case-insensitive, if ``login`` holds '@') or username is ``login``."""

    @abstractmethod
    async def user_for_token(self, token_hash: str, now: datetime) -> UserDTO | None:
        """The active user owning an unexpired token with this hash, or None."""
