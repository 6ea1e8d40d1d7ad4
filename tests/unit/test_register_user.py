"""RegisterUser: a user and their welcome post, in one transaction or not at all."""

from __future__ import annotations

import asyncio

import pytest

from adapters.memory.repositories import InMemoryPostRepository
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import EmailOrUsernameTaken
from application.use_cases.register_user import EmailOrUsernameRegistered, RegisterUser, RegisterUserCommand
from application.views import UserDTO
from domain.errors import InvalidValue
from domain.posts import WELCOME_CONTENT, Post
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.support import PASSWORD, UnitsOfWork, rows


def command(username: str = "alice", email: str = "alice@example.com", **extra: str | None) -> RegisterUserCommand:
    full_name = extra.get("full_name")
    return RegisterUserCommand(email=email, username=username, password=PASSWORD, full_name=full_name)


async def test_registration_stores_the_user_and_answers_with_it(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    user = await RegisterUser(memory.uow, hasher, clock).execute(command(full_name="Alice Liddell"))

    stored = store.committed.users[user.id]
    assert (stored.email, stored.username, stored.full_name) == ("alice@example.com", "alice", "Alice Liddell")
    assert (stored.is_active, stored.is_superuser) == (True, False)
    assert stored.created_at == stored.updated_at == clock.now()
    assert user == UserDTO.from_entity(stored)


async def test_registration_creates_the_published_welcome_post_in_the_same_transaction(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    user = await RegisterUser(uows, hasher, clock).execute(command())

    assert len(uows.made) == 1
    assert uows.made[0].committed is True
    [post] = store.committed.posts.values()
    assert (post.author_id, post.title, post.content, post.published) == (
        user.id,
        "Welcome alice!",
        WELCOME_CONTENT,
        True,
    )
    assert post.created_at == clock.now()


async def test_the_password_is_stored_only_as_a_hash_that_verifies(
    store: InMemoryStore, memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    user = await RegisterUser(memory.uow, hasher, clock).execute(command())

    stored_hash = store.committed.users[user.id].hashed_password
    assert PASSWORD not in stored_hash
    assert await hasher.verify(stored_hash, PASSWORD) is True
    assert not hasattr(user, "hashed_password")
    assert not hasattr(user, "password")


@pytest.mark.parametrize(
    ("username", "email"),
    [
        ("bob", "alice@example.com"),
        ("bob", "ALICE@Example.com"),
        ("alice", "bob@example.com"),
    ],
    ids=["same email", "same email in other case", "same username"],
)
async def test_a_taken_email_or_username_is_refused_and_nothing_is_written(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock, username: str, email: str
) -> None:
    register = RegisterUser(memory.uow, hasher, clock)
    await register.execute(command())
    before = rows(store)

    with pytest.raises(EmailOrUsernameRegistered) as raised:
        await register.execute(command(username=username, email=email))

    assert str(raised.value) == "Email or username already registered"
    assert isinstance(raised.value, EmailOrUsernameTaken)
    assert rows(store) == before


async def test_two_racing_registrations_of_the_same_email_make_exactly_one_user(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    register = RegisterUser(memory.uow, hasher, clock)

    outcomes = await asyncio.gather(
        register.execute(command(username="first")),
        register.execute(command(username="second")),
        return_exceptions=True,
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["EmailOrUsernameRegistered", "UserDTO"]
    assert len(store.committed.users) == 1
    assert len(store.committed.posts) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"username": "no"}, "username"),
        ({"username": "has@sign"}, "username"),
        ({"full_name": "x" * 256}, "full_name"),
    ],
)
async def test_invalid_data_is_refused_naming_the_field_and_nothing_is_written(
    memory: Backend,
    store: InMemoryStore,
    uows: UnitsOfWork,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    changes: dict[str, str],
    field: str,
) -> None:
    with pytest.raises(InvalidValue) as raised:
        await RegisterUser(uows, hasher, clock).execute(command(**changes))

    assert raised.value.field == field
    assert store.committed.users == {}
    assert store.committed.posts == {}
    assert not any(uow.committed for uow in uows.made)


class DiskFull(Exception):
    """The failure the broken post repository reports."""


class BrokenPosts(InMemoryPostRepository):
    async def add(self, post: Post) -> None:
        raise DiskFull("no space left for the post")


class UnitOfWorkWithBrokenPosts(InMemoryUnitOfWork):
    """A memory unit of work whose posts cannot be stored (a fake)."""

    async def _begin(self) -> None:
        await super()._begin()
        self.posts = BrokenPosts(self._work, self._store)


async def test_a_failing_welcome_post_leaves_no_user_behind(
    store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    made: list[UnitOfWorkWithBrokenPosts] = []

    def broken_uow() -> UnitOfWorkWithBrokenPosts:
        made.append(UnitOfWorkWithBrokenPosts(store))
        return made[-1]

    with pytest.raises(DiskFull):
        await RegisterUser(broken_uow, hasher, clock).execute(command())

    assert store.committed.users == {}
    assert store.committed.posts == {}
    assert [uow.committed for uow in made] == [False]


async def test_after_a_failed_registration_the_same_user_can_register(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    with pytest.raises(DiskFull):
        await RegisterUser(lambda: UnitOfWorkWithBrokenPosts(store), hasher, clock).execute(command())

    user = await asyncio.wait_for(RegisterUser(memory.uow, hasher, clock).execute(command()), timeout=2)

    assert list(store.committed.users) == [user.id]
