"""ListUsers: users by id, or the active ones newest first: by id descending, whatever their
creation times say (every list is ordered by id, so it can be paged by a keyset)."""

from __future__ import annotations

from datetime import timedelta

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from application.queries import Page
from application.use_cases.list_users import ListUsers, ListUsersQuery
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.support import register

EVERYONE = Page()


async def registered_out_of_time_order(backend: Backend, hasher: Argon2PasswordHasher, clock: ManualClock) -> None:
    """Users whose creation times do not follow their ids: b is oldest, then a, d, c."""
    start = clock.now()
    for name, offset in (("a", 2), ("b", 1), ("c", 4), ("d", 3)):
        clock.advance(start + timedelta(hours=offset) - clock.now())
        await register(backend, hasher, clock, f"user_{name}")


async def deactivate(store: InMemoryStore, username: str, clock: ManualClock) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        [user_id] = [u.id for u in store.committed.users.values() if u.username == username]
        assert user_id is not None
        user = await uow.users.get(user_id)
        assert user is not None
        user.set_active(False, clock.now())
        await uow.commit()


async def names(backend: Backend, page: Page = EVERYONE, *, active_only: bool = False) -> list[str]:
    users = await ListUsers(backend.users).execute(ListUsersQuery(page=page, active_only=active_only))
    return [u.username for u in users]


async def test_users_are_listed_in_id_order(memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock) -> None:
    await registered_out_of_time_order(memory, hasher, clock)

    users = await ListUsers(memory.users).execute(ListUsersQuery(page=Page()))

    assert [u.username for u in users] == ["user_a", "user_b", "user_c", "user_d"]
    assert [u.id for u in users] == sorted(u.id for u in users)


async def test_the_full_list_includes_inactive_users(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await registered_out_of_time_order(memory, hasher, clock)
    await deactivate(store, "user_b", clock)

    assert await names(memory) == ["user_a", "user_b", "user_c", "user_d"]


async def test_active_only_lists_active_users_newest_first_by_id(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await registered_out_of_time_order(memory, hasher, clock)
    await deactivate(store, "user_d", clock)

    assert await names(memory, active_only=True) == ["user_c", "user_b", "user_a"]


async def test_skip_and_limit_page_through_the_id_order(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await registered_out_of_time_order(memory, hasher, clock)

    assert await names(memory, Page(skip=1, limit=2)) == ["user_b", "user_c"]
    assert await names(memory, Page(skip=3, limit=10)) == ["user_d"]
    assert await names(memory, Page(skip=4, limit=10)) == []


async def test_skip_and_limit_page_through_the_active_order(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await registered_out_of_time_order(memory, hasher, clock)

    assert await names(memory, Page(skip=1, limit=2), active_only=True) == ["user_c", "user_b"]


async def test_after_id_starts_past_the_cursor_in_each_order_and_before_skip(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await registered_out_of_time_order(memory, hasher, clock)
    ids = {u.username: u.id for u in await ListUsers(memory.users).execute(ListUsersQuery(page=EVERYONE))}

    assert await names(memory, Page(after_id=ids["user_b"])) == ["user_c", "user_d"]
    assert await names(memory, Page(after_id=ids["user_c"]), active_only=True) == ["user_b", "user_a"]
    assert await names(memory, Page(after_id=ids["user_a"], skip=1, limit=1)) == ["user_c"]
    assert await names(memory, Page(after_id=ids["user_d"], skip=1, limit=1), active_only=True) == ["user_b"]
    assert await names(memory, Page(after_id=ids["user_d"])) == []


async def test_an_empty_store_lists_no_one(memory: Backend) -> None:
    assert await names(memory) == []
    assert await names(memory, active_only=True) == []
