"""The Post entity: writing a post and the welcome post every new user gets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import InvalidValue
from domain.posts import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH, WELCOME_CONTENT, Post

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_writing_a_post_keeps_the_given_values_and_sets_both_timestamps_to_now() -> None:
    post = Post.write(author_id=7, title="Hello", content="World", published=False, now=T0)

    assert post.id is None
    assert (post.author_id, post.title, post.content, post.published) == (7, "Hello", "World", False)
    assert post.created_at == T0
    assert post.updated_at == T0


def test_a_written_post_may_be_published_at_once() -> None:
    assert Post.write(author_id=1, title="t", content="c", published=True, now=T0).published is True


def test_the_welcome_post_greets_the_user_by_name_and_is_published() -> None:
    post = Post.welcome(author_id=3, username="alice", now=T0)

    assert post.title == "Welcome alice!"
    assert post.content == WELCOME_CONTENT
    assert post.published is True
    assert post.author_id == 3
    assert post.created_at == T0
    assert post.updated_at == T0


def test_the_welcome_title_fits_for_the_longest_username() -> None:
    post = Post.welcome(author_id=3, username="u" * 100, now=T0)

    assert post.title == f"Welcome {'u' * 100}!"


def test_a_title_and_content_of_the_maximum_length_are_accepted() -> None:
    post = Post.write(
        author_id=1, title="t" * TITLE_MAX_LENGTH, content="c" * CONTENT_MAX_LENGTH, published=False, now=T0
    )

    assert len(post.title) == TITLE_MAX_LENGTH
    assert len(post.content) == CONTENT_MAX_LENGTH


@pytest.mark.parametrize(
    ("title", "content", "field"),
    [
        ("", "content", "title"),
        ("t" * (TITLE_MAX_LENGTH + 1), "content", "title"),
        ("nul\x00", "content", "title"),
        ("title", "", "content"),
        ("title", "c" * (CONTENT_MAX_LENGTH + 1), "content"),
        ("title", "lone \ud800 surrogate", "content"),
    ],
)
def test_a_post_breaking_a_rule_is_rejected_naming_the_field(title: str, content: str, field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        Post.write(author_id=1, title=title, content=content, published=False, now=T0)

    assert raised.value.field == field
