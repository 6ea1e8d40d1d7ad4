"""The Post entity and its rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.slugs import slugify
from domain.text import require_text

TITLE_MAX_LENGTH = 255
DESCRIPTION_MAX_LENGTH = 1_000
CONTENT_MAX_LENGTH = 100_000
WELCOME_CONTENT = "This is your first post on Inkwell. Edit it, publish more, and say hello."


def validate_title(title: str) -> str:
    return require_text("title", title, min_length=1, max_length=TITLE_MAX_LENGTH)


def validate_content(content: str) -> str:
    return require_text("content", content, min_length=1, max_length=CONTENT_MAX_LENGTH)


def validate_description(description: str) -> str:
    return require_text("description", description, min_length=0, max_length=DESCRIPTION_MAX_LENGTH)


def is_visible(*, published: bool, author_id: int, viewer_id: int | None, viewer_is_superuser: bool) -> bool:
    """Drafts are private: a published post is visible to everyone, a draft (``published``
    false) only to its author and to superusers. ``viewer_id`` None is an anonymous viewer.
    For anyone who may not see it, a draft and its comments do not exist.

    The one statement of the rule: the in-memory readers call it, the SQL readers say the
    same condition in SQL, and the reader contract tests hold them to each other."""
    return published or viewer_is_superuser or (viewer_id is not None and viewer_id == author_id)


@dataclass(eq=False, kw_only=True)
class Post:
    """A piece of writing by one author, referred to by id, or by its slug: unique, made
    from the title when the post is written, and kept when the title changes, so an address
    once given goes on working."""

    id: int | None = None
    slug: str
    title: str
    description: str = ""
    content: str
    published: bool = False
    author_id: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def write(
        cls, *, author_id: int, title: str, content: str, published: bool, now: datetime, description: str = ""
    ) -> Post:
        """A new post, its slug made from the title (the repository makes it unique)."""
        return cls(
            slug=slugify(validate_title(title)),
            title=title,
            description=validate_description(description),
            content=validate_content(content),
            published=published,
            author_id=author_id,
            created_at=now,
            updated_at=now,
        )

    @classmethod
    def welcome(cls, *, author_id: int, username: str, now: datetime) -> Post:
        """The published post every new user starts with."""
        return cls.write(
            author_id=author_id, title=f"Welcome {username}!", content=WELCOME_CONTENT, published=True, now=now
        )

    def edit(
        self,
        *,
        title: str | None = None,
        description: str | None = None,
        content: str | None = None,
        published: bool | None = None,
        now: datetime,
    ) -> None:
        """Change the given fields; None leaves a field as it is. All or nothing: every
        value is checked before any is set. The slug stays."""
        new_title = self.title if title is None else validate_title(title)
        new_description = self.description if description is None else validate_description(description)
        new_content = self.content if content is None else validate_content(content)
        self.title, self.description, self.content = new_title, new_description, new_content
        if published is not None:
            self.published = published
        self.updated_at = now
