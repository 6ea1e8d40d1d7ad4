"""Admin use cases (transfer posts, deactivate users, import users) against every adapter:
memory, SQLite and PostgreSQL, through the use cases and the ports only.

Fault injection uses subclasses of the real adapters; nothing is mocked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from adapters.memory.readers import InMemoryUserReader
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.database import SqlAlchemyDatabase
from adapters.sqlalchemy.readers import SqlAlchemyUserReader
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.auth import Actor
from application.errors import InvalidRequest, PermissionDenied, UserNotFound
from application.ports.readers import UserReader
from application.ports.repositories import TokenRepository
from application.ports.unit_of_work import UnitOfWork
from application.queries import Page, PostFilter
from application.tokens import hash_token, new_token_secret
from application.use_cases.deactivate_users import DeactivateUsers, DeactivateUsersCommand
from application.use_cases.import_users import (
    DUPLICATE_IN_BATCH,
    ImportFailure,
    ImportResult,
    ImportUsers,
    ImportUsersCommand,
    RejectedEntry,
)
from application.use_cases.register_user import RegisterUser, RegisterUserCommand
from application.use_cases.transfer_posts import TransferPosts, TransferPostsCommand
from application.views import PostDTO, UserDTO
from domain.comments import Comment
from domain.posts import Post
from domain.tokens import AccessToken
from tests.conftest import SUPERUSER_VIEWER, Backend, people
from tests.databases import recorded_statements
from tests.fakes import ManualClock

PAGE = Page(skip=0, limit=1000)
ROOT = Actor(id=1, is_superuser=True)
REGISTERED = "Email or username already registered"
# Ids that no row can have: past any sequence, past 32 and 64 bits, and not positive.
MISSING_IDS = (10**6, 2**31, 2**63, 0, -1)


class InjectedFault(Exception):
    """Raised by a fault-injecting adapter; never by the code under test."""


# --- helpers -----------------------------------------------------------------------------


async def write_posts(backend: Backend, clock: ManualClock, author_id: int, *titles: str) -> list[int]:
    ids = []
    async with backend.uow() as uow:
        for title in titles:
            post = Post.write(
                author_id=author_id, title=title, content=f"{title} body", published=True, now=clock.now()
            )
            await uow.posts.add(post)
            assert post.id is not None
            ids.append(post.id)
        await uow.commit()
    return ids


async def all_posts(backend: Backend) -> dict[int, PostDTO]:
    return {
        entry.post.id: entry.post
        for entry in await backend.posts.list_page(PAGE, PostFilter(), viewer=SUPERUSER_VIEWER)
    }


async def titles_of(backend: Backend, user_id: int) -> list[str]:
    found = await backend.users.get_with_posts(user_id, viewer=SUPERUSER_VIEWER)
    assert found is not None
    return [post.title for post in found.posts]


async def all_users(backend: Backend) -> list[UserDTO]:
    return await backend.users.list_page(PAGE, active_only=False)


async def issue_token(backend: Backend, clock: ManualClock, user_id: int) -> str:
    """Store a live token for the user, as a login would; return its hash."""
    token_hash = hash_token(new_token_secret())
    async with backend.uow() as uow:
        await uow.tokens.add(
            AccessToken(
                token_hash=token_hash, user_id=user_id, created_at=clock.now(), expires_at=clock.now() + timedelta(1)
            )
        )
        await uow.commit()
    return token_hash


async def reactivate(backend: Backend, clock: ManualClock, user_id: int) -> None:
    async with backend.uow() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        user.set_active(True, clock.now())
        await uow.commit()


async def is_active(backend: Backend, user_id: int) -> bool:
    user = await backend.users.get(user_id)
    assert user is not None
    return user.is_active


def transfer(backend: Backend, clock: ManualClock, from_id: int, to_id: int, actor: Actor = ROOT) -> Awaitable[int]:
    command = TransferPostsCommand(actor=actor, from_user_id=from_id, to_user_id=to_id)
    return TransferPosts(backend.uow, clock).execute(command)


def deactivate(backend: Backend, clock: ManualClock, ids: Sequence[int], actor: Actor = ROOT) -> Awaitable[int]:
    return DeactivateUsers(backend.uow, clock).execute(DeactivateUsersCommand(actor=actor, user_ids=ids))


def entry(name: str, *, email: str | None = None, password: str | None = None) -> RegisterUserCommand:
    return RegisterUserCommand(
        email=email or f"{name}@example.com", username=name, password=password or f"{name}-secret-1", full_name=None
    )


async def import_users(
    backend: Backend,
    clock: ManualClock,
    hasher: Argon2PasswordHasher,
    entries: Sequence[RegisterUserCommand | RejectedEntry],
    *,
    reader: UserReader | None = None,
    actor: Actor = ROOT,
) -> ImportResult:
    use_case = ImportUsers(backend.uow, reader or backend.users, hasher, clock)
    return await use_case.execute(ImportUsersCommand(actor=actor, entries=entries))


async def assert_imported(backend: Backend, hasher: Argon2PasswordHasher, *entries: RegisterUserCommand) -> None:
    """Each entry is a stored user with its own password and one published welcome post."""
    for command in entries:
        found = await backend.credentials.find_credentials(command.username)
        assert found is not None, command.username
        assert await hasher.verify(found.hashed_password, command.password), command.username
        stored = await backend.users.get_with_posts(found.user_id, viewer=SUPERUSER_VIEWER)
        assert stored is not None
        assert (stored.user.email, stored.user.is_active, stored.user.is_superuser) == (command.email, True, False)
        assert [(p.title, p.published) for p in stored.posts] == [(f"Welcome {command.username}!", True)]


# --- fault injection: subclasses of the real adapters ------------------------------------


class TokenPurgeFails(TokenRepository):
    """The adapter's own token repository, except that ending tokens in bulk fails."""

    def __init__(self, inner: TokenRepository) -> None:
        self._inner = inner

    async def add(self, token: AccessToken) -> None:
        await self._inner.add(token)

    async def delete_by_hash(self, token_hash: str) -> None:
        await self._inner.delete_by_hash(token_hash)

    async def delete_for_users(self, user_ids: Sequence[int]) -> None:
        raise InjectedFault("token purge failed")

    async def delete_expired(self, user_id: int, now: Any) -> None:
        await self._inner.delete_expired(user_id, now)


class MemoryUowWithFailingPurge(InMemoryUnitOfWork):
    async def _begin(self) -> None:
        await super()._begin()
        self.tokens = TokenPurgeFails(self.tokens)


class SqlUowWithFailingPurge(SqlAlchemyUnitOfWork):
    async def _begin(self) -> None:
        await super()._begin()
        self.tokens = TokenPurgeFails(self.tokens)


def uow_with_failing_purge(backend: Backend) -> Callable[[], UnitOfWork]:
    database = backend.database
    if isinstance(database, InMemoryStore):
        return lambda: MemoryUowWithFailingPurge(database)
    assert isinstance(database, SqlAlchemyDatabase)
    return lambda: SqlUowWithFailingPurge(database)


Interloper = Callable[[], Awaitable[object]]


async def _nothing() -> None:
    return None


class BlindMemoryReader(InMemoryUserReader):
    """Its pre-check sees nothing taken; ``interloper`` runs first, as a concurrent
    transaction committing between the pre-check and the insert would."""

    def __init__(self, store: InMemoryStore, interloper: Interloper) -> None:
        super().__init__(store)
        self._interloper = interloper

    async def taken(self, emails: Sequence[str], usernames: Sequence[str]) -> tuple[set[str], set[str]]:
        await self._interloper()
        return set(), set()


class BlindSqlReader(SqlAlchemyUserReader):
    """As ``BlindMemoryReader``, on the SQL adapter."""

    def __init__(self, database: SqlAlchemyDatabase, interloper: Interloper) -> None:
        super().__init__(database)
        self._interloper = interloper

    async def taken(self, emails: Sequence[str], usernames: Sequence[str]) -> tuple[set[str], set[str]]:
        await self._interloper()
        return set(), set()


def blind_reader(backend: Backend, interloper: Interloper = _nothing) -> UserReader:
    database = backend.database
    if isinstance(database, InMemoryStore):
        return BlindMemoryReader(database, interloper)
    assert isinstance(database, SqlAlchemyDatabase)
    return BlindSqlReader(database, interloper)


# --- transfer ----------------------------------------------------------------------------


async def test_transfer_moves_every_post_and_touches_nothing_else(backend: Backend, clock: ManualClock) -> None:
    ann, bob, cyd = await people(backend.uow, clock, "ann", "bob", "cyd")
    anns = await write_posts(backend, clock, ann, "a1", "a2", "a3")
    await write_posts(backend, clock, bob, "b1")
    await write_posts(backend, clock, cyd, "c1", "c2")
    async with backend.uow() as uow:
        await uow.comments.add(Comment.write(post_id=anns[0], author_id=cyd, content="nice", now=clock.now()))
        await uow.commit()
    posts_before, users_before = await all_posts(backend), await all_users(backend)
    clock.advance(timedelta(minutes=5))

    assert await transfer(backend, clock, ann, bob) == 3

    posts_after = await all_posts(backend)
    assert posts_after.keys() == posts_before.keys()
    for post_id, before in posts_before.items():
        after = posts_after[post_id]
        if post_id in anns:
            assert after.author_id == bob
            assert replace(after, author_id=ann, updated_at=before.updated_at) == before
        else:
            assert after == before
    assert await all_users(backend) == users_before
    assert await titles_of(backend, bob) == ["a1", "a2", "a3", "b1"]
    assert await titles_of(backend, ann) == []
    detail = await backend.posts.get_detail(anns[0], viewer=None)
    assert detail is not None
    assert (detail.author.id, [c.content for c in detail.comments]) == (bob, ["nice"])


async def test_transfer_from_a_user_without_posts_moves_nothing(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    await write_posts(backend, clock, bob, "b1")
    before = await all_posts(backend)
    assert await transfer(backend, clock, ann, bob) == 0
    assert await all_posts(backend) == before


async def test_transfer_to_the_same_user_is_an_invalid_request(backend: Backend, clock: ManualClock) -> None:
    (ann,) = await people(backend.uow, clock, "ann")
    await write_posts(backend, clock, ann, "a1")
    before = await all_posts(backend)
    with pytest.raises(InvalidRequest):
        await transfer(backend, clock, ann, ann)
    assert await all_posts(backend) == before


@pytest.mark.parametrize("missing", MISSING_IDS)
async def test_transfer_with_a_missing_user_raises_and_moves_nothing(
    backend: Backend, clock: ManualClock, missing: int
) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    await write_posts(backend, clock, ann, "a1", "a2")
    await write_posts(backend, clock, bob, "b1")
    before = await all_posts(backend)
    for from_id, to_id in ((ann, missing), (missing, bob)):
        with pytest.raises(UserNotFound):
            await transfer(backend, clock, from_id, to_id)
        assert await all_posts(backend) == before, (from_id, to_id)


async def test_transfer_by_a_non_superuser_is_denied_and_moves_nothing(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    await write_posts(backend, clock, ann, "a1")
    before = await all_posts(backend)
    for actor in (Actor(id=ann, is_superuser=False), Actor(id=bob, is_superuser=False)):
        with pytest.raises(PermissionDenied):
            await transfer(backend, clock, ann, bob, actor=actor)
    assert await all_posts(backend) == before


# --- deactivate --------------------------------------------------------------------------


async def test_deactivate_counts_only_users_that_were_active(backend: Backend, clock: ManualClock) -> None:
    ann, bob, cyd, dan = await people(backend.uow, clock, "ann", "bob", "cyd", "dan")
    assert await deactivate(backend, clock, [cyd]) == 1
    assert await deactivate(backend, clock, [ann, bob, cyd]) == 2
    assert [await is_active(backend, i) for i in (ann, bob, cyd, dan)] == [False, False, False, True]
    assert await deactivate(backend, clock, [ann, bob, cyd]) == 0


async def test_deactivate_ignores_unknown_and_out_of_range_ids(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    assert await deactivate(backend, clock, [*MISSING_IDS, ann]) == 1
    assert await deactivate(backend, clock, list(MISSING_IDS)) == 0
    assert (await is_active(backend, ann), await is_active(backend, bob)) == (False, True)


async def test_deactivate_counts_a_repeated_id_once(backend: Backend, clock: ManualClock) -> None:
    ann, bob, cyd = await people(backend.uow, clock, "ann", "bob", "cyd")
    assert await deactivate(backend, clock, [ann, bob, ann, ann, bob]) == 2
    assert await is_active(backend, cyd)


async def test_deactivate_ends_the_tokens_of_deactivated_users_only(backend: Backend, clock: ManualClock) -> None:
    ann, bob, cyd = await people(backend.uow, clock, "ann", "bob", "cyd")
    tokens = {user_id: await issue_token(backend, clock, user_id) for user_id in (ann, bob, cyd)}
    assert await deactivate(backend, clock, [ann, bob]) == 2
    for user_id in (ann, bob):
        assert await backend.credentials.user_for_token(tokens[user_id], clock.now()) is None
        # Ended, not merely unusable while the user is inactive: reactivation brings no token back.
        await reactivate(backend, clock, user_id)
        assert await backend.credentials.user_for_token(tokens[user_id], clock.now()) is None
    kept = await backend.credentials.user_for_token(tokens[cyd], clock.now())
    assert kept is not None and kept.id == cyd


async def test_deactivation_and_token_ending_are_one_transaction(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    tokens = {user_id: await issue_token(backend, clock, user_id) for user_id in (ann, bob)}
    use_case = DeactivateUsers(uow_with_failing_purge(backend), clock)
    with pytest.raises(InjectedFault):
        await use_case.execute(DeactivateUsersCommand(actor=ROOT, user_ids=[ann, bob]))
    for user_id in (ann, bob):
        assert await is_active(backend, user_id)
        found = await backend.credentials.user_for_token(tokens[user_id], clock.now())
        assert found is not None and found.id == user_id


async def test_deactivate_by_a_non_superuser_is_denied_and_changes_nothing(
    backend: Backend, clock: ManualClock
) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    with pytest.raises(PermissionDenied):
        await deactivate(backend, clock, [ann, bob], actor=Actor(id=ann, is_superuser=False))
    assert (await is_active(backend, ann), await is_active(backend, bob)) == (True, True)


# --- import ------------------------------------------------------------------------------


async def test_import_creates_every_valid_user_with_a_welcome_post(
    backend: Backend, clock: ManualClock, hasher: Argon2PasswordHasher
) -> None:
    entries = [entry("ann"), entry("bob", email="Bob.Smith@Example.com"), entry("cyd")]
    result = await import_users(backend, clock, hasher, entries)
    assert (result.created, result.errors) == (3, [])
    await assert_imported(backend, hasher, *entries)
    assert len(await all_posts(backend)) == 3


async def test_import_reports_failing_entries_by_index_and_writes_nothing_of_them(
    backend: Backend, clock: ManualClock, hasher: Argon2PasswordHasher
) -> None:
    await RegisterUser(backend.uow, hasher, clock).execute(entry("old"))
    users_before = await all_users(backend)
    ann, bob, cyd = entry("ann"), entry("bob"), entry("cyd")
    entries: list[RegisterUserCommand | RejectedEntry] = [
        entry("taken_email", email="OLD@example.com"),  # 0: registered already (email, other case)
        ann,  # 1
        RejectedEntry(detail="email: value is not a valid email address"),  # 2
        entry("has@at", email="hasat@example.com"),  # 3: breaks a domain rule
        bob,  # 4
        entry("ann_again", email="ANN@EXAMPLE.COM"),  # 5: same email as 1, other case
        entry("ann", email="ann2@example.com"),  # 6: same username as 1
        entry("old", email="old2@example.com"),  # 7: registered already (username)
        cyd,  # 8
    ]
    result = await import_users(backend, clock, hasher, entries)

    assert result.created == 3
    assert [e.index for e in result.errors] == [0, 2, 3, 5, 6, 7]
    details = {e.index: e.detail for e in result.errors}
    assert details[0] == details[7] == REGISTERED
    assert details[2] == "email: value is not a valid email address"
    assert "username" in details[3]
    assert details[5] == details[6] == DUPLICATE_IN_BATCH
    await assert_imported(backend, hasher, ann, bob, cyd)

    users_after = await all_users(backend)
    assert users_after[: len(users_before)] == users_before
    assert sorted(u.username for u in users_after) == ["ann", "bob", "cyd", "old"]
    assert sorted(u.email for u in users_after) == [f"{n}@example.com" for n in ("ann", "bob", "cyd", "old")]
    assert len(await all_posts(backend)) == 4


async def test_import_reports_users_registered_after_its_pre_check(
    backend: Backend, clock: ManualClock, hasher: Argon2PasswordHasher
) -> None:
    """The pre-check misses users that exist: the insert's savepoint catches them."""
    await people(backend.uow, clock, "old", "older")
    users_before = await all_users(backend)
    ann, bob = entry("ann"), entry("bob")
    entries: list[RegisterUserCommand | RejectedEntry] = [
        entry("first_in", email="Old@Example.COM"),  # 0: email of 'old'
        ann,  # 1
        RejectedEntry(detail="password: too short"),  # 2
        entry("older", email="another@example.com"),  # 3: username of 'older'
        bob,  # 4
    ]
    result = await import_users(backend, clock, hasher, entries, reader=blind_reader(backend))

    assert result.created == 2
    assert result.errors == [
        ImportFailure(index=0, detail=REGISTERED),
        ImportFailure(index=2, detail="password: too short"),
        ImportFailure(index=3, detail=REGISTERED),
    ]
    await assert_imported(backend, hasher, ann, bob)
    users_after = await all_users(backend)
    assert users_after[: len(users_before)] == users_before
    assert sorted(u.username for u in users_after) == ["ann", "bob", "old", "older"]
    assert len(await all_posts(backend)) == 2


async def test_import_survives_a_concurrent_registration_of_one_of_its_users(
    backend: Backend, clock: ManualClock, hasher: Argon2PasswordHasher
) -> None:
    """Another transaction registers a user between the import's pre-check and its insert:
    that entry is reported, the others are created."""
    racer = entry("carol_elsewhere", email="carol@example.com")

    async def register_the_racer() -> None:
        await RegisterUser(backend.uow, hasher, clock).execute(racer)

    dave, erin = entry("dave"), entry("erin")
    entries = [dave, entry("carol", email="Carol@Example.com"), erin]
    reader = blind_reader(backend, register_the_racer)
    result = await import_users(backend, clock, hasher, entries, reader=reader)

    assert (result.created, result.errors) == (2, [ImportFailure(index=1, detail=REGISTERED)])
    await assert_imported(backend, hasher, racer, dave, erin)
    assert await backend.credentials.find_credentials("carol") is None
    assert sorted(u.username for u in await all_users(backend)) == ["carol_elsewhere", "dave", "erin"]
    assert len(await all_posts(backend)) == 3


async def test_import_by_a_non_superuser_is_denied_and_writes_nothing(
    backend: Backend, clock: ManualClock, hasher: Argon2PasswordHasher
) -> None:
    (ann,) = await people(backend.uow, clock, "ann")
    with pytest.raises(PermissionDenied):
        await import_users(backend, clock, hasher, [entry("bob")], actor=Actor(id=ann, is_superuser=False))
    assert [u.username for u in await all_users(backend)] == ["ann"]
    assert await all_posts(backend) == {}


# --- statements --------------------------------------------------------------------------


async def test_import_of_200_users_inserts_the_welcome_posts_in_multi_row_statements(
    sql_url: str, clock: ManualClock, hasher: Argon2PasswordHasher
) -> None:
    database = SqlAlchemyDatabase(sql_url)
    try:
        use_case = ImportUsers(lambda: SqlAlchemyUnitOfWork(database), SqlAlchemyUserReader(database), hasher, clock)
        entries = [entry(f"user{i:03}") for i in range(200)]
        async with recorded_statements(database) as statements:
            result = await use_case.execute(ImportUsersCommand(actor=ROOT, entries=entries))
        assert (result.created, result.errors) == (200, [])
        post_inserts = [s for s in statements if s.startswith("INSERT INTO POSTS")]
        assert 1 <= len(post_inserts) <= 2, post_inserts
        async with database.read_one() as connection:
            counts = (
                await connection.execute(
                    text(
                        "SELECT count(*), count(DISTINCT author_id), "
                        "count(*) FILTER (WHERE title = 'Welcome ' || u.username || '!') "
                        "FROM posts JOIN users u ON u.id = posts.author_id"
                    )
                )
            ).one()
        assert tuple(counts) == (200, 200, 200)
    finally:
        await database.dispose()
