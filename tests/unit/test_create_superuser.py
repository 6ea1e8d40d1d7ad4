"""CreateSuperuser: the operator's way to make a superuser, with the rules of registration."""

from __future__ import annotations

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.use_cases.create_superuser import CreateSuperuser, CreateSuperuserCommand
from application.use_cases.register_user import EmailOrUsernameRegistered, RegisterUser
from domain.errors import InvalidValue
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.support import PASSWORD, log_in, register, rows


def create_superuser(backend: Backend, hasher: Argon2PasswordHasher, clock: ManualClock) -> CreateSuperuser:
    return CreateSuperuser(RegisterUser(backend.uow, hasher, clock))


async def test_creates_an_active_superuser_with_a_welcome_post(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    admin = await create_superuser(memory, hasher, clock).execute(
        CreateSuperuserCommand(email="root@example.com", username="root", password=PASSWORD)
    )

    assert (admin.is_superuser, admin.is_active, admin.full_name) == (True, True, None)
    assert store.committed.users[admin.id].is_superuser is True
    assert [p.title for p in store.committed.posts.values() if p.author_id == admin.id] == ["Welcome root!"]


async def test_the_superuser_can_log_in_with_the_password(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await create_superuser(memory, hasher, clock).execute(
        CreateSuperuserCommand(email="root@example.com", username="root", password=PASSWORD)
    )

    assert await log_in(memory, hasher, clock, "root", PASSWORD)


async def test_a_taken_email_is_refused_and_nothing_is_written(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await register(memory, hasher, clock, "alice")
    before = rows(store)

    with pytest.raises(EmailOrUsernameRegistered):
        await create_superuser(memory, hasher, clock).execute(
            CreateSuperuserCommand(email="Alice@example.com", username="root", password=PASSWORD)
        )

    assert rows(store) == before


async def test_invalid_data_is_refused(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    with pytest.raises(InvalidValue) as raised:
        await create_superuser(memory, hasher, clock).execute(
            CreateSuperuserCommand(email="root@example.com", username="r", password=PASSWORD)
        )

    assert raised.value.field == "username"
    assert store.committed.users == {}
