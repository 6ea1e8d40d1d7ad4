"""Properties of the Comment and Follow entities and of editing a Post, on generated values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.comments import Comment
from domain.errors import InvalidValue
from domain.follows import Follow, SelfFollow
from domain.posts import Post

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

# Characters any stored text may hold: no NUL, no lone surrogate.
storable = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
ids = st.integers(min_value=-(2**63), max_value=2**63 - 1)
moments = st.datetimes(timezones=st.just(UTC))


def of_length(lengths: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    """Storable text of a drawn length, made by repeating a drawn piece (fast even when long)."""
    return st.builds(
        lambda piece, length: (piece * (length // len(piece) + 1))[:length],
        st.text(storable, min_size=1, max_size=16),
        lengths,
    )


def between(low: int, high: int) -> st.SearchStrategy[str]:
    """Storable text from ``low`` to ``high`` characters long, short ones drawn freely."""
    return st.text(storable, min_size=low, max_size=min(high, 40)) | of_length(
        st.integers(min_value=low, max_value=high)
    )


@given(between(1, 10_000), ids, ids, moments)
@example("c", 1, 2, T0)
@example("c" * 10_000, 1, 2, T0)
def test_comment_content_of_1_to_10000_storable_characters_is_kept_unchanged(
    content: str, post_id: int, author_id: int, now: datetime
) -> None:
    comment = Comment.write(post_id=post_id, author_id=author_id, content=content, now=now)

    assert (comment.id, comment.post_id, comment.author_id, comment.content, comment.created_at) == (
        None,
        post_id,
        author_id,
        content,
        now,
    )


@given(st.just("") | of_length(st.integers(min_value=10_001, max_value=20_000)))
@example("")
@example("c" * 10_001)
def test_comment_content_empty_or_longer_than_10000_characters_is_rejected(content: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        Comment.write(post_id=1, author_id=1, content=content, now=T0)

    assert raised.value.field == "content"


@given(ids, moments)
def test_no_user_may_follow_themself_whatever_their_id(user_id: int, now: datetime) -> None:
    with pytest.raises(SelfFollow):
        Follow.link(follower_id=user_id, followee_id=user_id, now=now)


@given(ids, ids, moments)
def test_a_link_between_two_different_users_goes_from_follower_to_followee(
    follower_id: int, followee_id: int, now: datetime
) -> None:
    if follower_id == followee_id:
        followee_id += 1 if follower_id < 2**63 - 1 else -1

    link = Follow.link(follower_id=follower_id, followee_id=followee_id, now=now)

    assert (link.id, link.follower_id, link.followee_id, link.created_at) == (None, follower_id, followee_id, now)


post_changes = st.fixed_dictionaries(
    {},
    optional={
        "title": between(1, 255),
        "content": between(1, 100_000),
        "published": st.booleans(),
    },
)


@settings(max_examples=150)
@given(st.booleans(), post_changes, moments)
def test_editing_a_post_changes_exactly_the_given_fields_and_sets_the_update_time(
    published: bool, changes: dict[str, Any], now: datetime
) -> None:
    post = Post.write(author_id=7, title="Old title", content="Old content", published=published, now=T0)
    post.id = 3
    untouched = {"title": "Old title", "content": "Old content", "published": published}

    post.edit(**changes, now=now)

    assert {field: getattr(post, field) for field in untouched} == untouched | changes
    assert (post.id, post.author_id, post.created_at, post.updated_at) == (3, 7, T0, now)
