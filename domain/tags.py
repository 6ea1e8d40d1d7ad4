"""Tags: short labels an author puts on a post, shared by every post that carries them."""

from __future__ import annotations

from collections.abc import Iterable

from domain.errors import InvalidValue
from domain.text import require_text

TAG_MAX_LENGTH = 64
TAGS_PER_POST_MAX = 20


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """The tags as stored: each stripped of surrounding white space, empty ones dropped,
    each kept once in its first place. Raises ``InvalidValue`` for a tag that is too long
    or not storable text, or for more than ``TAGS_PER_POST_MAX`` tags."""
    kept: dict[str, None] = {}
    for tag in tags:
        name = tag.strip()
        if name:
            kept[require_text("tags", name, min_length=1, max_length=TAG_MAX_LENGTH)] = None
    if len(kept) > TAGS_PER_POST_MAX:
        raise InvalidValue("tags", f"a post carries at most {TAGS_PER_POST_MAX} tags")
    return tuple(kept)
