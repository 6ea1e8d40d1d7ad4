"""Slugs: the readable, unique name of a post in an address (``/articles/how-to-train``)."""

from __future__ import annotations

import unicodedata

from domain.text import fold_case

SLUG_BASE_MAX_LENGTH = 200
SLUG_MAX_LENGTH = 255
EMPTY_TITLE_SLUG = "post"


def slugify(title: str) -> str:
    """The slug a title reads as: its letters and digits (of any script, case folded),
    each run of anything else one hyphen, none at either end; ``EMPTY_TITLE_SLUG`` for a
    title with no letter or digit. At most ``SLUG_BASE_MAX_LENGTH`` characters, so a
    suffix always fits."""
    words: list[str] = []
    word: list[str] = []
    for ch in fold_case(unicodedata.normalize("NFKC", title)):
        if ch.isalnum():
            word.append(ch)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    slug = "-".join(words)[:SLUG_BASE_MAX_LENGTH].strip("-")
    return slug or EMPTY_TITLE_SLUG


def with_suffix(slug: str, suffix: str) -> str:
    """``slug`` made distinct by ``suffix`` (the way a taken slug is made unique)."""
    return f"{slug[:SLUG_BASE_MAX_LENGTH]}-{suffix}"
