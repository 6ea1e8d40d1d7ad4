"""Races, on PostgreSQL only: a real pool and real concurrent connections, so row locks,
unique indexes and savepoints are what keep the guarantees, not an in-process lock.

Iterations: registrations 3 rounds x 20 at once; opposite transfers 50 rounds of 2;
identical follows 10 rounds x 10 at once; failing registrations 10 beside 10 good ones;
PATCH of one user's email 20 rounds of 2; PATCH of two users to one email 10 rounds of 2;
6 follows, 6 comments or a second delete racing a deletion, 20 rounds each; 12 rounds of
18 edits, a deletion and a raw tagging over 6 posts sharing 5 tags.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import QueuePool, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.database import PoolSettings, SqlAlchemyDatabase
from adapters.sqlalchemy.readers import SqlAlchemyUserReader
from adapters.sqlalchemy.repositories import SqlAlchemyPostRepository
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.auth import Actor
from application.errors import PostNotFound
from application.ports.unit_of_work import UnitOfWork
from application.queries import Page
from application.use_cases.delete_post import DeletePost, DeletePostCommand
from application.use_cases.follow_user import FollowUser, FollowUserCommand
from application.use_cases.register_user import RegisterUser, RegisterUserCommand
from application.use_cases.transfer_posts import TransferPosts, TransferPostsCommand
from application.use_cases.update_post import UpdatePost, UpdatePostCommand
from domain.posts import Post
from entrypoints.container import Container
from tests.conftest import database_url, people
from tests.databases import TAG_COUNTS
from tests.e2e.conftest import serving, sql_settings, wired
from tests.e2e.helpers import (
    ALREADY_REGISTERED,
    ALREADY_TAKEN,
    POST_NOT_FOUND,
    USER_NOT_FOUND,
    USERS,
    Account,
    create_post,
    describe,
    make_superuser,
    post_url,
    sign_up,
    user_url,
)
from tests.fakes import ManualClock

pytestmark = pytest.mark.postgres

REGISTRATION_ROUNDS, REGISTRATIONS_AT_ONCE = 3, 20
TRANSFER_ROUNDS = 50
FOLLOW_ROUNDS, FOLLOWS_AT_ONCE = 10, 10
FAILING_REGISTRATIONS = 10
PATCH_ROUNDS = 20
SAME_EMAIL_PATCH_ROUNDS = 10
DELETION_ROUNDS, RACERS = 20, 6
ROOT = Actor(id=1, is_superuser=True)


# --- wiring ------------------------------------------------------------------------------


@pytest.fixture
async def database(request: pytest.FixtureRequest) -> AsyncIterator[SqlAlchemyDatabase]:
    """The emptied PostgreSQL database with a pool big enough for every racer at once."""
    db = SqlAlchemyDatabase(
        await database_url(request, "postgres"), pool=PoolSettings(size=10, max_overflow=15, timeout=10)
    )
    yield db
    await db.dispose()


@dataclass(frozen=True)
class Service:
    client: httpx.AsyncClient
    database: SqlAlchemyDatabase
    container: Container


@pytest.fixture
async def service(request: pytest.FixtureRequest, hasher: Argon2PasswordHasher) -> AsyncIterator[Service]:
    """The started app on the emptied PostgreSQL database, with fast real argon2."""
    settings = await sql_settings(request, "postgres", db_pool_size=10, db_max_overflow=15, db_pool_timeout=10)
    container = wired(settings, hasher)
    async with serving(container) as client:
        database = container.database()
        assert isinstance(database, SqlAlchemyDatabase)
        yield Service(client=client, database=database, container=container)


async def scalar(database: SqlAlchemyDatabase, statement: str, **parameters: Any) -> Any:
    async with database.read_one() as connection:
        return (await connection.execute(text(statement), parameters)).scalar_one()


async def rows(database: SqlAlchemyDatabase, statement: str, **parameters: Any) -> list[tuple[Any, ...]]:
    async with database.read_one() as connection:
        return [tuple(row) for row in await connection.execute(text(statement), parameters)]


def failures(results: Sequence[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException)]


# --- registration ------------------------------------------------------------------------


async def test_concurrent_registrations_with_one_email_create_exactly_one_user(service: Service) -> None:
    for round_ in range(REGISTRATION_ROUNDS):
        spellings = (f"race{round_}@example.com", f"Race{round_}@Example.com", f"RACE{round_}@EXAMPLE.COM")
        bodies = [
            {"email": spellings[i % 3], "username": f"racer{round_}_{i:02}", "password": "correct-horse-9"}
            for i in range(REGISTRATIONS_AT_ONCE)
        ]
        responses = await asyncio.gather(*(service.client.post(USERS, json=body) for body in bodies))

        created = [r for r in responses if r.status_code == 201]
        refused = [r for r in responses if r.status_code != 201]
        assert len(created) == 1, [describe(r) for r in responses]
        assert all(r.status_code == 400 and r.json() == ALREADY_REGISTERED for r in refused), [
            describe(r) for r in refused
        ]
        winner = created[0].json()
        stored = await rows(
            service.database,
            "SELECT id, username FROM users WHERE lower(email) = :email",
            email=spellings[0],
        )
        assert stored == [(winner["id"], winner["username"])]
        welcome = await rows(service.database, "SELECT author_id, title FROM posts ORDER BY id")
        assert welcome[round_:] == [(winner["id"], f"Welcome {winner['username']}!")], "a loser left a post"
    assert await scalar(service.database, "SELECT count(*) FROM users") == REGISTRATION_ROUNDS


# --- transfers ---------------------------------------------------------------------------


async def split_posts(database: SqlAlchemyDatabase, post_ids: Sequence[int], a: int, b: int) -> None:
    """Give the first three posts to ``a`` and the others to ``b``."""
    async with database.engine.begin() as connection:
        for post_id in post_ids:
            author = a if post_id in post_ids[:3] else b
            await connection.execute(text("UPDATE posts SET author_id = :a WHERE id = :p"), {"a": author, "p": post_id})


async def test_opposite_transfers_at_once_neither_deadlock_nor_lose_posts(
    database: SqlAlchemyDatabase, clock: ManualClock
) -> None:
    """Each round starts with posts on both sides, so two transfers that did not wait for
    each other would swap them instead of gathering them on one side."""
    a, b = await people(lambda: SqlAlchemyUnitOfWork(database), clock, "ann", "bob")
    async with SqlAlchemyUnitOfWork(database) as uow:
        await uow.posts.add_many(
            [Post.write(author_id=a, title=f"p{i}", content="c", published=True, now=clock.now()) for i in range(5)]
        )
        await uow.commit()
    post_ids = sorted(r[0] for r in await rows(database, "SELECT id FROM posts"))
    transfer = TransferPosts(lambda: SqlAlchemyUnitOfWork(database), clock)

    for round_ in range(TRANSFER_ROUNDS):
        await split_posts(database, post_ids, a, b)
        results = await asyncio.gather(
            transfer.execute(TransferPostsCommand(actor=ROOT, from_user_id=a, to_user_id=b)),
            transfer.execute(TransferPostsCommand(actor=ROOT, from_user_id=b, to_user_id=a)),
            return_exceptions=True,
        )
        assert failures(results) == [], f"round {round_}: {results!r}"
        owners = await rows(database, "SELECT id, author_id FROM posts ORDER BY id")
        assert [post_id for post_id, _ in owners] == post_ids, f"round {round_}: posts lost or doubled"
        authors = {author for _, author in owners}
        assert authors <= {a, b}, f"round {round_}: {owners}"
        # With both users' rows locked the two run one after the other: the first moves
        # its own posts, the second every post, so all of them end with one user.
        moved = sorted(r for r in results if isinstance(r, int))
        assert moved in ([2, 5], [3, 5]) and len(authors) == 1, f"round {round_}: moved {moved}, owners {owners}"


# --- follows -----------------------------------------------------------------------------


async def test_identical_follows_at_once_make_one_link(database: SqlAlchemyDatabase, clock: ManualClock) -> None:
    fan, *stars = await people(
        lambda: SqlAlchemyUnitOfWork(database), clock, "fan", *(f"star{i}" for i in range(FOLLOW_ROUNDS))
    )
    follow = FollowUser(lambda: SqlAlchemyUnitOfWork(database), clock)
    reader = SqlAlchemyUserReader(database)
    for star in stars:
        command = FollowUserCommand(actor=Actor(id=fan, is_superuser=False), user_id=star)
        results = await asyncio.gather(
            *(follow.execute(command) for _ in range(FOLLOWS_AT_ONCE)), return_exceptions=True
        )
        assert failures(results) == [], f"star {star}: {results!r}"
        assert [u.id for u in await reader.followers(star, Page()) or []] == [fan]
    links = await rows(database, "SELECT follower_id, followee_id FROM follows ORDER BY followee_id")
    assert links == [(fan, star) for star in stars]


# --- a failure between the user row and the welcome post ---------------------------------


class InjectedFault(Exception):
    def __init__(self, user_rows_seen: int) -> None:
        super().__init__(f"posts refused; the transaction held {user_rows_seen} row(s) of the author")
        self.user_rows_seen = user_rows_seen


class PostsThatFail(SqlAlchemyPostRepository):
    """The real repository, except that adding a post fails, after noting whether the
    author's row is already in the transaction."""

    async def add(self, post: Post) -> None:
        found = await self._session.execute(text("SELECT count(*) FROM users WHERE id = :id"), {"id": post.author_id})
        raise InjectedFault(found.scalar_one())


class UnitOfWorkWhosePostsFail(SqlAlchemyUnitOfWork):
    async def _begin(self) -> None:
        await super()._begin()
        self.posts = PostsThatFail(self._session)


async def test_a_failure_after_the_user_row_leaves_nothing_of_the_registration(
    database: SqlAlchemyDatabase, clock: ManualClock, hasher: Argon2PasswordHasher
) -> None:
    def failing_factory() -> UnitOfWork:
        return UnitOfWorkWhosePostsFail(database)

    failing = RegisterUser(failing_factory, hasher, clock)
    working = RegisterUser(lambda: SqlAlchemyUnitOfWork(database), hasher, clock)

    def command(name: str) -> RegisterUserCommand:
        return RegisterUserCommand(email=f"{name}@example.com", username=name, password="correct-horse-9")

    with pytest.raises(InjectedFault) as raised:
        await failing.execute(command("lonely"))
    assert raised.value.user_rows_seen == 1, "the fault must strike after the user row was written"

    results = await asyncio.gather(
        *(failing.execute(command(f"doomed{i}")) for i in range(FAILING_REGISTRATIONS)),
        *(working.execute(command(f"fine{i}")) for i in range(FAILING_REGISTRATIONS)),
        return_exceptions=True,
    )
    doomed, fine = results[:FAILING_REGISTRATIONS], results[FAILING_REGISTRATIONS:]
    assert all(isinstance(r, InjectedFault) and r.user_rows_seen == 1 for r in doomed), doomed
    assert failures(fine) == [], fine

    users = await rows(database, "SELECT username FROM users ORDER BY username")
    assert users == sorted((f"fine{i}",) for i in range(FAILING_REGISTRATIONS))
    posts = await rows(database, "SELECT u.username, p.title FROM posts p JOIN users u ON u.id = p.author_id")
    assert sorted(posts) == sorted((f"fine{i}", f"Welcome fine{i}!") for i in range(FAILING_REGISTRATIONS))
    assert await scalar(database, "SELECT count(*) FROM posts") == FAILING_REGISTRATIONS
    pool = database.engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.checkedout() == 0, "a failed unit of work kept its connection"


# --- PATCH -------------------------------------------------------------------------------


def patch(service: Service, account: Account, body: dict[str, Any]) -> Any:
    return service.client.patch(user_url(account.id), json=body, headers=account.headers)


async def test_concurrent_email_changes_of_one_user_leave_one_of_them(service: Service) -> None:
    ann = await sign_up(service.client, "ann")
    for round_ in range(PATCH_ROUNDS):
        wanted = [f"ann{round_}a@example.com", f"ann{round_}b@example.com"]
        responses: list[httpx.Response] = await asyncio.gather(*(patch(service, ann, {"email": e}) for e in wanted))
        for response, email in zip(responses, wanted, strict=True):
            ok = response.status_code == 200 and response.json()["email"] == email
            conflict = response.status_code == 400 and response.json() == ALREADY_TAKEN
            assert ok or conflict, f"round {round_}: {describe(response)}"
        applied = [e for r, e in zip(responses, wanted, strict=True) if r.status_code == 200]
        assert applied, f"round {round_}: neither change was applied"
        stored = await rows(service.database, "SELECT email FROM users WHERE id = :id", id=ann.id)
        assert len(stored) == 1 and stored[0][0] in applied, f"round {round_}: {stored} not in {applied}"
        fetched = await service.client.get(user_url(ann.id))
        assert fetched.json()["email"] == stored[0][0]
    assert await scalar(service.database, "SELECT count(*) FROM users") == 1


async def test_two_users_claiming_one_free_email_at_once_get_it_once(service: Service) -> None:
    ann, bob = await sign_up(service.client, "ann"), await sign_up(service.client, "bob")
    for round_ in range(SAME_EMAIL_PATCH_ROUNDS):
        email = f"prize{round_}@example.com"
        responses: list[httpx.Response] = await asyncio.gather(
            patch(service, ann, {"email": email}), patch(service, bob, {"email": email.upper()})
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 400], [describe(r) for r in responses]
        assert [r.json() for r in responses if r.status_code == 400] == [ALREADY_TAKEN]
        winner = next(r.json() for r in responses if r.status_code == 200)
        holders = await rows(service.database, "SELECT id FROM users WHERE lower(email) = :e", e=email)
        assert holders == [(winner["id"],)], f"round {round_}"


# --- writes racing a deletion ------------------------------------------------------------


def outcomes(responses: Sequence[httpx.Response], allowed: dict[int, Any]) -> list[str]:
    """The responses whose status is not allowed, or whose body is not the one expected for it."""
    return [
        describe(r)
        for r in responses
        if r.status_code not in allowed or (allowed[r.status_code] is not None and r.json() != allowed[r.status_code])
    ]


async def test_follows_racing_the_followees_deletion_answer_204_or_404(service: Service) -> None:
    fans = [await sign_up(service.client, f"fan{i}") for i in range(RACERS)]
    for round_ in range(DELETION_ROUNDS):
        leaving = await sign_up(service.client, f"leaving{round_}")
        *follows, deletion = await asyncio.gather(
            *(service.client.post(user_url(leaving.id, "/follow"), headers=fan.headers) for fan in fans),
            service.client.delete(user_url(leaving.id), headers=leaving.headers),
        )
        assert deletion.status_code == 204, describe(deletion)
        assert outcomes(follows, {204: None, 404: USER_NOT_FOUND}) == [], f"round {round_}"
        assert (
            await scalar(service.database, "SELECT count(*) FROM follows WHERE followee_id = :id", id=leaving.id) == 0
        )


async def test_comments_racing_their_posts_deletion_answer_201_or_404(service: Service) -> None:
    author = await sign_up(service.client, "author")
    readers = [await sign_up(service.client, f"reader{i}") for i in range(RACERS)]
    for round_ in range(DELETION_ROUNDS):
        post = await create_post(service.client, author, title=f"going {round_}", published=True)
        *comments, deletion = await asyncio.gather(
            *(
                service.client.post(post_url(post["id"], "/comments"), json={"content": "hi"}, headers=r.headers)
                for r in readers
            ),
            service.client.delete(post_url(post["id"]), headers=author.headers),
        )
        assert deletion.status_code == 204, describe(deletion)
        assert outcomes(comments, {201: None, 404: POST_NOT_FOUND}) == [], f"round {round_}"
        assert await scalar(service.database, "SELECT count(*) FROM comments WHERE post_id = :id", id=post["id"]) == 0


async def test_of_two_simultaneous_deletes_one_answers_204_and_the_other_404(service: Service) -> None:
    root = await make_superuser(service.client, service.container)
    author = await sign_up(service.client, "author")
    for round_ in range(DELETION_ROUNDS):
        doomed = await sign_up(service.client, f"doomed{round_}")
        post = await create_post(service.client, author, title=f"doomed {round_}", published=True)
        users = await asyncio.gather(*(service.client.delete(user_url(doomed.id), headers=root.headers) for _ in "ab"))
        posts = await asyncio.gather(
            *(service.client.delete(post_url(post["id"]), headers=author.headers) for _ in "ab")
        )
        assert sorted(r.status_code for r in users) == [204, 404], [describe(r) for r in users]
        assert sorted(r.status_code for r in posts) == [204, 404], [describe(r) for r in posts]
        assert outcomes(users, {204: None, 404: USER_NOT_FOUND}) == []
        assert outcomes(posts, {204: None, 404: POST_NOT_FOUND}) == []


# --- tag counts --------------------------------------------------------------------------


COUNTED_TAGS = ("a", "b", "c", "d", "e")
COUNT_ROUNDS, COUNTED_POSTS = 12, 6


async def test_retags_publishes_and_deletions_at_once_keep_every_tags_count_exact(
    database: SqlAlchemyDatabase, clock: ManualClock
) -> None:
    """Each round, for every one of a few posts sharing five tags: a retag, a publish or
    unpublish, and both in one edit, all at once through the use cases; beside them one
    post is deleted, and a raw writer (as psql would) adds a tagging with no lock of its
    own. No edit may fail (a deadlock is run again), and every tag's kept count equals a
    recount."""

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(database)

    (author_id,) = await people(uow, clock, "author")
    author = Actor(id=author_id, is_superuser=False)
    update, delete = UpdatePost(uow, clock), DeletePost(uow)
    draw = random.Random(13)

    def some_tags() -> list[str]:
        return draw.sample(COUNTED_TAGS, draw.randint(0, len(COUNTED_TAGS)))

    async def new_post(title: str) -> int:
        async with uow() as unit:
            post = Post.write(
                author_id=author_id, title=title, content="body", published=draw.random() < 0.5, now=clock.now()
            )
            await unit.posts.add(post)
            assert post.id is not None
            await unit.posts.set_tags(post.id, some_tags())
            await unit.commit()
        return post.id

    async def raw_tagging(post_id: int, tag: str) -> None:
        async with database.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO post_tags (post_id, tag_id, position) SELECT :post_id, id, 9 FROM tags"
                    " WHERE name = :tag ON CONFLICT DO NOTHING"
                ),
                {"post_id": post_id, "tag": tag},
            )

    post_ids = [await new_post(f"p{i}") for i in range(COUNTED_POSTS)]
    for round_ in range(COUNT_ROUNDS):
        doomed = draw.choice(post_ids)
        edits = [
            UpdatePostCommand(actor=author, post_id=post_id, **fields)
            for post_id in post_ids
            for fields in (
                {"tags": some_tags()},
                {"published": draw.random() < 0.5},
                {"tags": some_tags(), "published": draw.random() < 0.5},
            )
        ]
        draw.shuffle(edits)
        racers = [
            *(update.execute(command) for command in edits),
            delete.execute(DeletePostCommand(actor=author, post_id=doomed)),
            raw_tagging(draw.choice(post_ids), draw.choice(COUNTED_TAGS)),
        ]
        *served, raw = await asyncio.gather(*racers, return_exceptions=True)
        # The edits of the deleted post may come after it.
        unexpected = [error for error in failures(served) if not isinstance(error, PostNotFound)]
        assert unexpected == [], f"round {round_}: {unexpected!r}"
        # The raw writer's post may be the deleted one, and its insert, ordered by nothing,
        # may cross a retag's into a deadlock that the server ends by aborting either.
        assert raw is None or isinstance(raw, IntegrityError | DBAPIError), f"round {round_}: {raw!r}"
        counts = await rows(database, TAG_COUNTS)
        assert [(name, kept) for name, kept, _ in counts] == [(name, counted) for name, _, counted in counts], (
            f"round {round_}"
        )
        post_ids = [post_id for post_id in post_ids if post_id != doomed] + [await new_post(f"r{round_}")]
