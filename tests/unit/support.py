"""Helpers of the unit suite: wiring of use cases on the memory backend and views of its state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import timedelta
from typing import Any

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.authenticate import Authenticate, AuthenticateCommand
from application.use_cases.register_user import RegisterUser, RegisterUserCommand
from application.views import UserDTO
from tests.conftest import Backend
from tests.fakes import ManualClock

TOKEN_TTL = timedelta(hours=1)
PASSWORD = "correct horse battery"


class UnitsOfWork:
    """A unit-of-work factory that remembers every unit it handed out (a fake, not a mock:
    it only lets a test read the units' own state afterwards)."""

    def __init__(self, factory: Callable[[], UnitOfWork]) -> None:
        self._factory = factory
        self.made: list[UnitOfWork] = []

    def __call__(self) -> UnitOfWork:
        uow = self._factory()
        self.made.append(uow)
        return uow


def rows(store: InMemoryStore) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every committed entity of every table as plain field values, to compare states."""
    return {
        name: {key: {f.name: getattr(entity, f.name) for f in fields(entity)} for key, entity in table.items()}
        for name, table in store.committed.named()
    }


async def register(
    backend: Backend,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    username: str,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    full_name: str | None = None,
    is_superuser: bool = False,
) -> UserDTO:
    command = RegisterUserCommand(
        email=email if email is not None else f"{username}@example.com",
        username=username,
        password=password,
        full_name=full_name,
        is_superuser=is_superuser,
    )
    return await RegisterUser(backend.uow, hasher, clock).execute(command)


def authenticate(
    backend: Backend, hasher: Argon2PasswordHasher, clock: ManualClock, *, ttl: timedelta = TOKEN_TTL
) -> Authenticate:
    return Authenticate(backend.uow, backend.credentials, hasher, clock, ttl)


async def log_in(
    backend: Backend, hasher: Argon2PasswordHasher, clock: ManualClock, login: str, password: str = PASSWORD
) -> str:
    issued = await authenticate(backend, hasher, clock).execute(AuthenticateCommand(login=login, password=password))
    return issued.access_token
