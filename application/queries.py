"""What a read asks for: which part of a list, narrowed how."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class PostFilter:
    author_id: int | None = None
    published: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleFilter:
    """Articles carrying ``tag``, written by the user named ``author``, favoured by the
    user named ``favorited_by``; None does not narrow. A name nobody has matches nothing."""

    tag: str | None = None
    author: str | None = None
    favorited_by: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """Which part of a list to read: the items after ``after_id`` in the list's own order
    (a keyset, which costs the same at any depth), then ``skip`` more of them (an offset),
    then at most ``limit``. Bounds are enforced at the edge."""

    skip: int = 0
    limit: int = 100
    after_id: int = 0
    """The id the page starts after; 0 (no row has it) starts at the list's beginning,
    whichever its order."""
