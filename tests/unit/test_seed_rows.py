"""The demo rows of ``make seed``: deterministic, unique where the schema says so, and
valid by the domain's own rules; tags drawn with a skew, favourites and the feed reader."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from adapters.sqlalchemy.seed.names import FIRST_NAMES, LAST_NAMES
from adapters.sqlalchemy.seed.rows import (
    BASE_TIME,
    COMMENT_COLUMNS,
    EMAIL_DOMAIN,
    FAVORITE_COLUMNS,
    FEED_READER,
    FOLLOW_COLUMNS,
    POST_COLUMNS,
    POST_TAG_COLUMNS,
    TAG_COLUMNS,
    USER_COLUMNS,
    Batch,
    Row,
    SeedPlan,
    comment_batches,
    favorite_batches,
    follow_batches,
    post_batches,
    post_slug,
    post_tag_batches,
    registered_at,
    tag_batches,
    user_batches,
)
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.slugs import slugify
from domain.tags import TAG_MAX_LENGTH, normalise_tags
from domain.text import fold_case
from domain.users import User, validate_bio
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
    for make in (
        user_batches,
        post_batches,
        comment_batches,
        follow_batches,
        tag_batches,
        post_tag_batches,
        favorite_batches,
    ):
        assert rows(make(plan)) == rows(make(again))
    other_seed = SeedPlan(users=200, hashed_password="$argon2id$demo", seed=7)
    assert rows(follow_batches(plan)) != rows(follow_batches(other_seed))


def test_counts_and_ids_follow_the_plan(plan: SeedPlan) -> None:
    expected = {
        USER_COLUMNS: (user_batches, 200),
        POST_COLUMNS: (post_batches, 600),
        COMMENT_COLUMNS: (comment_batches, 600),
        # ten each, and the feed reader everyone else
        FOLLOW_COLUMNS: (follow_batches, 199 * 10 + 199),
    }
    for columns, (make, count) in expected.items():
        made = table(columns, make(plan))
        assert [row["id"] for row in made] == list(range(1, count + 1))
        times = [row["created_at"] for row in made]
        assert times == sorted(times) and len(set(times)) == count, "created_at increases with id"
    assert [row["id"] for row in table(TAG_COLUMNS, tag_batches(plan))] == list(range(1, 601))
    assert (plan.posts, plan.comments, plan.follows, plan.tags, plan.favorites) == (600, 600, 2189, 600, 1000)


def test_users_are_unique_and_valid(plan: SeedPlan) -> None:
    users = table(USER_COLUMNS, user_batches(plan))
    assert len({fold_case(user["email"]) for user in users}) == len(users)
    assert len({user["username"] for user in users}) == len(users)
    assert [user["username"] for user in users if user["username"] == FEED_READER] == [FEED_READER]
    assert users[-1]["username"] == FEED_READER and users[-1]["id"] == plan.feed_reader_id == 200
    assert sum(1 for user in users if user["bio"] is not None) == 50
    for user in users:
        validate_bio(user["bio"])
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
        written = Post.write(
            author_id=post["author_id"],
            title=post["title"],
            content=post["content"],
            published=post["published"],
            now=post["created_at"],
            description=post["description"],
        )
        assert written.description and post["content"].startswith(post["description"])
        assert post["slug"] == post_slug(post["title"], post["id"]) == f"{slugify(post['title'])}-{post['id']}"
    assert len({post["slug"] for post in posts.values()}) == len(posts)
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


@pytest.mark.parametrize("users", [1, 2, 5, 11, 12, 200, 1_001, 1_500])
def test_follows_are_distinct_never_oneself_and_ten_each_when_there_are_enough_users(users: int) -> None:
    plan = SeedPlan(users=users, hashed_password="h")
    follows = table(FOLLOW_COLUMNS, follow_batches(plan))
    per_user = min(10, users - 1)
    reader_follows = min(1_000, users - 1)
    assert len(follows) == (users - 1) * per_user + reader_follows == plan.follows
    pairs = [(follow["follower_id"], follow["followee_id"]) for follow in follows]
    assert len(set(pairs)) == len(pairs)
    for follower, followee in pairs:
        Follow.link(follower_id=follower, followee_id=followee, now=BASE_TIME)
        assert 1 <= followee <= users
    per_follower = Counter(follower for follower, _ in pairs)
    for follower in range(1, users):
        assert per_follower[follower] == per_user
    assert per_follower[users] == reader_follows == plan.feed_reader_follows
    registered = registered_at(users)
    assert all(registered < follow["created_at"] < registered_at(users + 1) for follow in follows[-reader_follows:])


@pytest.mark.parametrize("users", [1, 2, 200])
def test_tags_are_distinct_names_and_each_post_carries_one_to_four_of_them(users: int) -> None:
    plan = SeedPlan(users=users, hashed_password="h")
    tags = table(TAG_COLUMNS, tag_batches(plan))
    assert len(tags) == plan.tags == min(1_000, 3 * users)
    assert len({tag["name"] for tag in tags}) == len(tags)
    assert all(normalise_tags([tag["name"]]) == (tag["name"],) for tag in tags), "stored as the domain stores them"
    assert all(len(tag["name"]) <= TAG_MAX_LENGTH for tag in tags)
    taggings = table(POST_TAG_COLUMNS, post_tag_batches(plan))
    assert len({(tagging["post_id"], tagging["tag_id"]) for tagging in taggings}) == len(taggings)
    by_post: dict[int, list[int]] = {}
    for tagging in taggings:
        assert 1 <= tagging["tag_id"] <= plan.tags
        by_post.setdefault(tagging["post_id"], []).append(tagging["position"])
    assert sorted(by_post) == list(range(1, plan.posts + 1))
    for positions in by_post.values():
        assert positions == list(range(len(positions))) and 1 <= len(positions) <= 4


def test_a_million_users_tags_are_skewed_a_thousand_of_them() -> None:
    """The first batches of a million users' taggings: tag 1 on about 5% of the posts,
    tag 100 on about 0.5%, and each count as likely."""
    plan = SeedPlan(users=1_000_000, hashed_password="h")
    assert plan.tags == 1_000
    batches = post_tag_batches(plan)
    taggings = [row for _ in range(3) for row in next(batches)]
    posts = len({post_id for post_id, _, _ in taggings})
    used = Counter(tag_id for _, tag_id, _ in taggings)
    assert 0.04 < used[1] / posts < 0.07
    assert 0.003 < used[100] / posts < 0.007
    assert 2.4 < len(taggings) / posts < 2.6


@pytest.mark.parametrize("users", [1, 2, 200])
def test_favourites_are_five_distinct_published_posts_each_after_both_exist(users: int) -> None:
    plan = SeedPlan(users=users, hashed_password="h")
    posts = {post["id"]: post for post in table(POST_COLUMNS, post_batches(plan))}
    favourites = table(FAVORITE_COLUMNS, favorite_batches(plan))
    assert len(favourites) == plan.favorites == users * min(5, plan.published_posts)
    pairs = [(favourite["user_id"], favourite["post_id"]) for favourite in favourites]
    assert pairs == sorted(set(pairs)), "distinct, in primary key order"
    assert Counter(user for user, _ in pairs) == {user: min(5, plan.published_posts) for user in range(1, users + 1)}
    for favourite in favourites:
        post = posts[favourite["post_id"]]
        assert post["published"]
        assert favourite["created_at"] > max(registered_at(favourite["user_id"]), post["created_at"])


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
