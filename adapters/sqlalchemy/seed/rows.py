"""Deterministic demo rows, as plain tuples in the column order the loader copies them in.

Pure: no database, no clock. The same ``SeedPlan`` gives the same rows, byte for byte. User
``i`` (ids ``1..users``) registers at ``BASE_TIME + i`` minutes; within that minute they
write their posts (three each), get one comment per post, and follow their followees, so
every table's ``created_at`` increases with its id. Each table comes in batches of about
``BATCH_ROWS`` rows, each from its own pseudo-random generator, so a table can be made
without the others.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import permutations
from typing import Any

from adapters.sqlalchemy.seed.names import COMMENTS, FIRST_NAMES, LAST_NAMES, SENTENCES, TITLE_WORDS

Row = tuple[Any, ...]
Batch = list[Row]

BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
BATCH_ROWS = 100_000
POSTS_PER_USER = 3
FOLLOWS_PER_USER = 10
EMAIL_DOMAIN = "example.com"
# One follow of each user goes to one of the first users, so a few accounts have many
# followers (about users / 100 each) and deep follower pages exist to measure.
WELL_KNOWN_USERS = 100
DRAFT_EVERY = 10
"""Posts whose id is a multiple of this are drafts; the rest are published."""

USER_COLUMNS = (
    "id",
    "email",
    "username",
    "hashed_password",
    "full_name",
    "is_active",
    "is_superuser",
    "created_at",
    "updated_at",
)
POST_COLUMNS = ("id", "title", "content", "published", "author_id", "created_at", "updated_at")
COMMENT_COLUMNS = ("id", "post_id", "author_id", "content", "created_at")
FOLLOW_COLUMNS = ("id", "follower_id", "followee_id", "created_at")

_NAMES = tuple((name, name.lower()) for name in FIRST_NAMES), tuple((name, name.lower()) for name in LAST_NAMES)
_TITLES = tuple(f"{first.capitalize()} {second}" for first, second in permutations(TITLE_WORDS, 2))
_CONTENTS = tuple(f"{first} {second}" for first, second in permutations(SENTENCES, 2))
_POST_OFFSETS = tuple(timedelta(seconds=10 + 10 * k) for k in range(POSTS_PER_USER))
_COMMENT_DELAY = timedelta(seconds=5)
_FOLLOW_OFFSETS = tuple(timedelta(seconds=45 + j) for j in range(FOLLOWS_PER_USER))


@dataclass(frozen=True)
class SeedPlan:
    """``users`` users, each with ``POSTS_PER_USER`` posts, one comment per post, and
    ``follows_per_user`` distinct followees (never themselves); every user's password hash
    is ``hashed_password``."""

    users: int
    hashed_password: str
    seed: int = 42

    def __post_init__(self) -> None:
        if self.users < 1:
            raise ValueError("a seed plan needs at least one user")

    @property
    def follows_per_user(self) -> int:
        """Ten, or everyone else when there are fewer than eleven users."""
        return min(FOLLOWS_PER_USER, self.users - 1)

    @property
    def posts(self) -> int:
        return self.users * POSTS_PER_USER

    @property
    def comments(self) -> int:
        return self.posts

    @property
    def follows(self) -> int:
        return self.users * self.follows_per_user


def registered_at(user_id: int) -> datetime:
    return BASE_TIME + timedelta(minutes=user_id)


def is_draft(post_id: int) -> bool:
    return post_id % DRAFT_EVERY == 0


def first_post_id(user_id: int) -> int:
    return (user_id - 1) * POSTS_PER_USER + 1


def user_batches(plan: SeedPlan) -> Iterator[Batch]:
    for first, last, rng in _ranges(plan, "users", BATCH_ROWS):
        first_names, last_names = _NAMES
        choose_first, choose_last = len(first_names), len(last_names)
        random = rng.random
        hashed_password = plan.hashed_password
        batch: Batch = []
        for user_id in range(first, last + 1):
            given, given_lower = first_names[int(random() * choose_first)]
            family, family_lower = last_names[int(random() * choose_last)]
            username = f"{given_lower}_{family_lower}_{user_id}"
            at = registered_at(user_id)
            batch.append(
                (
                    user_id,
                    f"{username}@{EMAIL_DOMAIN}",
                    username,
                    hashed_password,
                    f"{given} {family}",
                    True,
                    False,
                    at,
                    at,
                )
            )
        yield batch


def post_batches(plan: SeedPlan) -> Iterator[Batch]:
    for first, last, rng in _ranges(plan, "posts", BATCH_ROWS // POSTS_PER_USER):
        random = rng.random
        titles, contents = len(_TITLES), len(_CONTENTS)
        batch: Batch = []
        for author_id in range(first, last + 1):
            at = registered_at(author_id)
            post_id = first_post_id(author_id)
            for offset in _POST_OFFSETS:
                written = at + offset
                batch.append(
                    (
                        post_id,
                        _TITLES[int(random() * titles)],
                        _CONTENTS[int(random() * contents)],
                        not is_draft(post_id),
                        author_id,
                        written,
                        written,
                    )
                )
                post_id += 1
        yield batch


def comment_batches(plan: SeedPlan) -> Iterator[Batch]:
    """One comment per post, with the post's id: by a random other user on a published
    post, by the post's author on a draft (nobody else may see it)."""
    users = plan.users
    for first, last, rng in _ranges(plan, "comments", BATCH_ROWS // POSTS_PER_USER):
        random = rng.random
        choices = len(COMMENTS)
        batch: Batch = []
        for post_author in range(first, last + 1):
            at = registered_at(post_author)
            post_id = first_post_id(post_author)
            for offset in _POST_OFFSETS:
                commenter = post_author
                if not is_draft(post_id) and users > 1:
                    commenter = int(random() * users) + 1
                    if commenter == post_author:
                        commenter = commenter % users + 1
                said = COMMENTS[int(random() * choices)]
                batch.append((post_id, post_id, commenter, said, at + offset + _COMMENT_DELAY))
                post_id += 1
        yield batch


def follow_batches(plan: SeedPlan) -> Iterator[Batch]:
    """Each user's followees in ascending order, so follows' unique (follower, followee)
    index grows at its end while loading."""
    users, per_user = plan.users, plan.follows_per_user
    well_known = min(WELL_KNOWN_USERS, users)
    for first, last, rng in _ranges(plan, "follows", BATCH_ROWS // FOLLOWS_PER_USER):
        random = rng.random
        batch: Batch = []
        follow_id = (first - 1) * per_user + 1
        for follower in range(first, last + 1):
            if per_user == users - 1:
                followees = [user for user in range(1, users + 1) if user != follower]
            else:
                followees = []
                famous = int(random() * well_known) + 1
                if famous != follower:
                    followees.append(famous)
                while len(followees) < per_user:
                    followee = int(random() * users) + 1
                    if followee != follower and followee not in followees:
                        followees.append(followee)
                followees.sort()
            at = registered_at(follower)
            for followee, offset in zip(followees, _FOLLOW_OFFSETS, strict=False):
                batch.append((follow_id, follower, followee, at + offset))
                follow_id += 1
        yield batch


def _ranges(plan: SeedPlan, table: str, users_per_batch: int) -> Iterator[tuple[int, int, random.Random]]:
    """Consecutive user id ranges, each with its own generator seeded by the plan, the table
    and where the range starts."""
    for first in range(1, plan.users + 1, users_per_batch):
        last = min(first + users_per_batch - 1, plan.users)
        yield first, last, random.Random(f"{plan.seed}:{table}:{first}")
