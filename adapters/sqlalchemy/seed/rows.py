"""Deterministic demo rows, as plain tuples in the column order the loader copies them in.

Pure: no database, no clock. The same ``SeedPlan`` gives the same rows, byte for byte. User
``i`` (ids ``1..users``) registers at ``BASE_TIME + i`` minutes; within that minute they
write their posts (three each, each with its tags), get one comment per post, follow their
followees and favour a few posts, so every table's ``created_at`` increases with its id.
Each table comes in batches of about ``BATCH_ROWS`` rows, each from its own pseudo-random
generator, so a table can be made without the others.

The last user is ``feedreader`` (``FEED_READER``), who follows ``FEED_READER_FOLLOWS``
authors instead of ten: a feed that merges many authors' posts, to measure.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate, permutations
from typing import Any

from adapters.sqlalchemy.seed.names import COMMENTS, FIRST_NAMES, LAST_NAMES, SENTENCES, TITLE_WORDS
from domain.slugs import slugify

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
BIO_EVERY = 4
"""Users whose id is a multiple of this have a bio; the others' (and everyone's image) is NULL."""
FEED_READER = "feedreader"
"""The username (and email local part) of the last user, who follows many authors."""
FEED_READER_FOLLOWS = 1_000
TAGS = 1_000
"""The tag vocabulary: the title words, then pairs of them (``coffee-books``)."""
TAGS_PER_POST = 4
"""Each post carries 1 to this many distinct tags, each count as likely."""
TAG_SKEW = 10
"""Tag ``k`` (id ``k + 1``, most used first) is drawn with weight ``1 / (k + TAG_SKEW)``: the
first is on about 5% of the posts, the hundredth on about 0.5%, the last on about 0.05%."""
FAVORITES_PER_USER = 5
"""Distinct published posts each user favours, drawn alike from all (their own included)."""

USER_COLUMNS = (
    "id",
    "email",
    "username",
    "hashed_password",
    "full_name",
    "bio",
    "is_active",
    "is_superuser",
    "created_at",
    "updated_at",
)
POST_COLUMNS = ("id", "slug", "title", "description", "content", "published", "author_id", "created_at", "updated_at")
COMMENT_COLUMNS = ("id", "post_id", "author_id", "content", "created_at")
FOLLOW_COLUMNS = ("id", "follower_id", "followee_id", "created_at")
TAG_COLUMNS = ("id", "name")
POST_TAG_COLUMNS = ("post_id", "tag_id", "position")
FAVORITE_COLUMNS = ("user_id", "post_id", "created_at")

_NAMES = tuple((name, name.lower()) for name in FIRST_NAMES), tuple((name, name.lower()) for name in LAST_NAMES)
_TITLES = tuple(f"{first.capitalize()} {second}" for first, second in permutations(TITLE_WORDS, 2))
# Slugs of the titles, made once: a post's slug is its title's, then its id.
_TITLE_SLUGS = tuple(slugify(title) for title in _TITLES)
# A post's description is the first sentence of its content.
_CONTENTS = tuple(f"{first} {second}" for first, second in permutations(SENTENCES, 2))
_DESCRIPTIONS = tuple(first for first, _second in permutations(SENTENCES, 2))
_BIOS = tuple(f"Writes about {first} and {second}." for first, second in permutations(TITLE_WORDS, 2))
_TAG_NAMES = (*TITLE_WORDS, *(f"{first}-{second}" for first, second in permutations(TITLE_WORDS, 2)))[:TAGS]
_POST_OFFSETS = tuple(timedelta(seconds=10 + 10 * k) for k in range(POSTS_PER_USER))
_COMMENT_DELAY = timedelta(seconds=5)
_FOLLOW_OFFSETS = tuple(timedelta(seconds=45 + j) for j in range(FOLLOWS_PER_USER))
# The feed reader's follows fit in the same ten seconds of their minute.
_FEED_FOLLOW_OFFSETS = tuple(timedelta(seconds=45, milliseconds=10 * j) for j in range(FEED_READER_FOLLOWS))
_FAVORITE_OFFSETS = tuple(timedelta(seconds=55 + k) for k in range(FAVORITES_PER_USER))


@dataclass(frozen=True)
class SeedPlan:
    """``users`` users, each with ``POSTS_PER_USER`` posts (each with 1 to
    ``TAGS_PER_POST`` of ``tags`` tags), one comment per post, ``follows_per_user`` distinct
    followees (never themselves; the feed reader ``feed_reader_follows``) and
    ``favorites_per_user`` favourite posts; every user's password hash is
    ``hashed_password``."""

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
    def feed_reader_id(self) -> int:
        """The last user, ``FEED_READER``."""
        return self.users

    @property
    def feed_reader_follows(self) -> int:
        """A thousand, or everyone else when there are fewer than 1,001 users."""
        return min(FEED_READER_FOLLOWS, self.users - 1)

    @property
    def posts(self) -> int:
        return self.users * POSTS_PER_USER

    @property
    def published_posts(self) -> int:
        return self.posts - self.posts // DRAFT_EVERY

    @property
    def comments(self) -> int:
        return self.posts

    @property
    def follows(self) -> int:
        return (self.users - 1) * self.follows_per_user + self.feed_reader_follows

    @property
    def tags(self) -> int:
        """``TAGS``, or one per post when there are fewer posts."""
        return min(TAGS, self.posts)

    @property
    def post_tags_expected(self) -> int:
        """About how many taggings there are (each post's count is drawn): 2.5 per post."""
        return self.posts * (1 + min(TAGS_PER_POST, self.tags)) // 2

    @property
    def favorites_per_user(self) -> int:
        return min(FAVORITES_PER_USER, self.published_posts)

    @property
    def favorites(self) -> int:
        return self.users * self.favorites_per_user


def registered_at(user_id: int) -> datetime:
    return BASE_TIME + timedelta(minutes=user_id)


def is_draft(post_id: int) -> bool:
    return post_id % DRAFT_EVERY == 0


def first_post_id(user_id: int) -> int:
    return (user_id - 1) * POSTS_PER_USER + 1


def post_slug(title: str, post_id: int) -> str:
    """The slug a seeded post has: its title's and its id, unique by construction."""
    return f"{slugify(title)}-{post_id}"


def user_batches(plan: SeedPlan) -> Iterator[Batch]:
    """Users ``first_last_ID``; every ``BIO_EVERY``th with a bio; the last ``FEED_READER``."""
    for first, last, rng in _ranges(plan, "users", BATCH_ROWS):
        first_names, last_names = _NAMES
        choose_first, choose_last, bios = len(first_names), len(last_names), len(_BIOS)
        random = rng.random
        hashed_password = plan.hashed_password
        batch: Batch = []
        for user_id in range(first, last + 1):
            given, given_lower = first_names[int(random() * choose_first)]
            family, family_lower = last_names[int(random() * choose_last)]
            username = f"{given_lower}_{family_lower}_{user_id}"
            full_name = f"{given} {family}"
            if user_id == plan.feed_reader_id:
                username, full_name = FEED_READER, "Feed Reader"
            bio = _BIOS[int(random() * bios)] if user_id % BIO_EVERY == 0 else None
            at = registered_at(user_id)
            batch.append(
                (
                    user_id,
                    f"{username}@{EMAIL_DOMAIN}",
                    username,
                    hashed_password,
                    full_name,
                    bio,
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
                title = int(random() * titles)
                content = int(random() * contents)
                batch.append(
                    (
                        post_id,
                        f"{_TITLE_SLUGS[title]}-{post_id}",
                        _TITLES[title],
                        _DESCRIPTIONS[content],
                        _CONTENTS[content],
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
    index grows at its end while loading. The feed reader, last, follows
    ``feed_reader_follows`` users drawn alike from all the others."""
    users, per_user = plan.users, plan.follows_per_user
    well_known = min(WELL_KNOWN_USERS, users)
    for first, last, rng in _ranges(plan, "follows", BATCH_ROWS // FOLLOWS_PER_USER):
        random = rng.random
        batch: Batch = []
        follow_id = (first - 1) * per_user + 1
        for follower in range(first, last + 1):
            offsets = _FOLLOW_OFFSETS
            if follower == plan.feed_reader_id:
                followees = sorted(rng.sample(range(1, follower), plan.feed_reader_follows))
                offsets = _FEED_FOLLOW_OFFSETS
            elif per_user == users - 1:
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
            for followee, offset in zip(followees, offsets, strict=False):
                batch.append((follow_id, follower, followee, at + offset))
                follow_id += 1
        yield batch


def tag_batches(plan: SeedPlan) -> Iterator[Batch]:
    """The first ``plan.tags`` names of the vocabulary, ids from 1, the most used first."""
    yield [(tag_id, name) for tag_id, name in enumerate(_TAG_NAMES[: plan.tags], start=1)]


def post_tag_batches(plan: SeedPlan) -> Iterator[Batch]:
    """Each post's 1 to ``TAGS_PER_POST`` distinct tags, at positions from 0, drawn with the
    weights of ``TAG_SKEW``: a table of ``_DRAW_SLOTS`` slots, each slot a tag as often as
    its weight says, read at a random slot."""
    draw = _tag_draw(plan.tags)
    slots, most = len(draw), min(TAGS_PER_POST, plan.tags)
    for first, last, rng in _ranges(plan, "post_tags", 2 * BATCH_ROWS // (POSTS_PER_USER * (1 + TAGS_PER_POST))):
        random = rng.random
        batch: Batch = []
        for post_id in range(first_post_id(first), first_post_id(last + 1)):
            chosen: list[int] = []
            wanted = int(random() * most) + 1
            while len(chosen) < wanted:
                tag_id = draw[int(random() * slots)]
                if tag_id not in chosen:
                    chosen.append(tag_id)
            batch.extend((post_id, tag_id, position) for position, tag_id in enumerate(chosen))
        yield batch


def favorite_batches(plan: SeedPlan) -> Iterator[Batch]:
    """Each user's ``favorites_per_user`` distinct published posts in ascending order (so
    the (user, post) primary key grows at its end), favoured once both the user and the
    post exist."""
    posts, per_user = plan.posts, plan.favorites_per_user
    minute, offsets = timedelta(minutes=1), _FAVORITE_OFFSETS
    for first, last, rng in _ranges(plan, "favorites", BATCH_ROWS // FAVORITES_PER_USER):
        random = rng.random
        batch: Batch = []
        for user_id in range(first, last + 1):
            favourites: list[int] = []
            while len(favourites) < per_user:
                post_id = int(random() * posts) + 1
                if post_id % DRAFT_EVERY and post_id not in favourites:
                    favourites.append(post_id)
            favourites.sort()
            for post_id, offset in zip(favourites, offsets, strict=False):
                # registered_at(the later of the user and the post's author), inlined
                author = (post_id - 1) // POSTS_PER_USER + 1
                batch.append((user_id, post_id, BASE_TIME + minute * max(user_id, author) + offset))
        yield batch


_DRAW_SLOTS = 2**16


def _tag_draw(tags: int) -> tuple[int, ...]:
    """Tag ids in ``_DRAW_SLOTS`` slots, tag ``k`` (id ``k + 1``) in a share of them of
    weight ``1 / (k + TAG_SKEW)``, every tag in at least one."""
    bounds = list(accumulate(1 / (k + TAG_SKEW) for k in range(tags)))
    scale = (_DRAW_SLOTS - tags) / bounds[-1]
    draw: list[int] = []
    done = 0
    for tag_id, bound in enumerate(bounds, start=1):
        end = round(bound * scale)
        draw.extend([tag_id] * (1 + end - done))
        done = end
    return tuple(draw)


def _ranges(plan: SeedPlan, table: str, users_per_batch: int) -> Iterator[tuple[int, int, random.Random]]:
    """Consecutive user id ranges, each with its own generator seeded by the plan, the table
    and where the range starts."""
    for first in range(1, plan.users + 1, users_per_batch):
        last = min(first + users_per_batch - 1, plan.users)
        yield first, last, random.Random(f"{plan.seed}:{table}:{first}")
