"""The demo rows of ``make seed``: deterministic, unique where the schema says so, and
valid by the domain's own rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from adapters.sqlalchemy.seed.names import FIRST_NAMES, LAST_NAMES
from adapters.sqlalchemy.seed.rows import (
    BASE_TIME,
    COMMENT_COLUMNS,
    EMAIL_DOMAIN,
    FOLLOW_COLUMNS,
    POST_COLUMNS,
    USER_COLUMNS,
    Batch,
    Row,
    SeedPlan,
    comment_batches,
    follow_batches,
    post_batches,
    user_batches,
)
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.text import fold_case
from domain.users import User
from tests.scale.probe import SEARCH_MISS

SEARCH_MISS_SCRIPT = Path(__file__).resolve().parents[1] / "scale" / "search_miss.lua"


def rows(batches: Iterable[Batch]) -> list[Row]:
    return [row for batch in batches for row in batch]


def table(columns: tuple[str, ...], batches: Iterable[Batch]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in rows(batches)]


@pytest.fixture(scope="module")
def plan() -> SeedPlan:
    return SeedPlan(users=200, hashed_password="$argon2id$demo")


def test_the_same_plan_gives_the_same_rows(plan: SeedPlan) -> None:
    again = SeedPlan(users=200, hashed_password="$argon2id$demo")
    for make in (user_batches, post_batches, comment_batches, follow_batches):
        assert rows(make(plan)) == rows(make(again))
    other_seed = SeedPlan(users=200, hashed_password="$argon2id$demo", seed=7)
    assert rows(follow_batches(plan)) != rows(follow_batches(other_seed))


def test_counts_and_ids_follow_the_plan(plan: SeedPlan) -> None:
    expected = {
        USER_COLUMNS: (user_batches, 200),
        POST_COLUMNS: (post_batches, 600),
        COMMENT_COLUMNS: (comment_batches, 600),
        FOLLOW_COLUMNS: (follow_batches, 2000),
    }
    for columns, (make, count) in expected.items():
        made = table(columns, make(plan))
        assert [row["id"] for row in made] == list(range(1, count + 1))
        times = [row["created_at"] for row in made]
        assert times == sorted(times) and len(set(times)) == count, "created_at increases with id"
    assert (plan.posts, plan.comments, plan.follows) == (600, 600, 2000)


def test_users_are_unique_and_valid(plan: SeedPlan) -> None:
    users = table(USER_COLUMNS, user_batches(plan))
    assert len({fold_case(user["email"]) for user in users}) == len(users)
    assert len({user["username"] for user in users}) == len(users)
    for user in users:
        registered = User.register(
            email=user["email"],
            username=user["username"],
            hashed_password=user["hashed_password"],
            full_name=user["full_name"],
            now=user["created_at"],
        )
        assert registered.email.endswith(f"@{EMAIL_DOMAIN}")
        assert user["hashed_password"] == plan.hashed_password
        assert user["is_active"] is True and user["is_superuser"] is False


def test_posts_and_comments_are_valid_and_drafts_are_commented_by_their_authors(plan: SeedPlan) -> None:
    posts = {post["id"]: post for post in table(POST_COLUMNS, post_batches(plan))}
    for post in posts.values():
        Post.write(
            author_id=post["author_id"],
            title=post["title"],
            content=post["content"],
            published=post["published"],
            now=post["created_at"],
        )
    drafts = [post for post in posts.values() if not post["published"]]
    assert len(drafts) == len(posts) // 10
    for comment in table(COMMENT_COLUMNS, comment_batches(plan)):
        post = posts[comment["post_id"]]
        Comment.write(
            post_id=comment["post_id"],
            author_id=comment["author_id"],
            content=comment["content"],
            now=comment["created_at"],
        )
        if post["published"]:
            assert comment["author_id"] != post["author_id"]
        else:
            assert comment["author_id"] == post["author_id"]


@pytest.mark.parametrize("users", [1, 2, 5, 11, 12, 200])
def test_follows_are_distinct_never_oneself_and_ten_each_when_there_are_enough_users(users: int) -> None:
    plan = SeedPlan(users=users, hashed_password="h")
    follows = table(FOLLOW_COLUMNS, follow_batches(plan))
    per_user = min(10, users - 1)
    assert len(follows) == users * per_user == plan.follows
    pairs = [(follow["follower_id"], follow["followee_id"]) for follow in follows]
    assert len(set(pairs)) == len(pairs)
    for follower, followee in pairs:
        Follow.link(follower_id=follower, followee_id=followee, now=BASE_TIME)
        assert 1 <= followee <= users
    for follower in range(1, users + 1):
        assert sum(1 for pair in pairs if pair[0] == follower) == per_user


def test_the_search_miss_terms_match_no_seeded_text() -> None:
    """The probe's and tests/scale/search_miss.lua's terms must find nothing, in any name,
    username or email."""
    terms = re.findall(r'"([a-z]+)"', SEARCH_MISS_SCRIPT.read_text().split("TERMS", 1)[1].split("}", 1)[0])
    assert len(terms) >= 5
    terms.append(SEARCH_MISS)
    texts = [name.lower() for name in (*FIRST_NAMES, *LAST_NAMES)]
    for term in terms:
        assert not any(term in text for text in texts), term
        assert term not in EMAIL_DOMAIN
    plan = SeedPlan(users=200, hashed_password="h")
    for user in table(USER_COLUMNS, user_batches(plan)):
        for term in terms:
            assert term not in fold_case(f"{user['email']} {user['username']} {user['full_name']}")
