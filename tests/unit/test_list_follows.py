"""ListFollows: a page of a user's followers, or of the users they follow, in id order."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import UserNotFound
from application.queries import Page
from application.use_cases.list_follows import Direction, ListFollows, ListFollowsQuery
from application.views import UserDTO, UserSummaryDTO
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import follow, reverse_storage_order
from tests.unit.support import register


@dataclass(frozen=True)
class Crowd:
    """``hub`` follows user1, user3 and user4 and is followed by user0, user2, user3 and user4;
    user0 also follows user1."""

    hub: UserDTO
    others: list[UserDTO]


async def crowd(memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock) -> Crowd:
    hub = await register(memory, hasher, clock, "hub")
    others = [await register(memory, hasher, clock, f"user{i}", full_name=f"User {i}") for i in range(5)]
    # Links made in reverse id order, so the order they were made in is not the id order.
    for i in (4, 3, 2, 0):
        await follow(memory, clock, others[i], hub)
    for i in (4, 3, 1):
        await follow(memory, clock, hub, others[i])
    await follow(memory, clock, others[0], others[1])
    reverse_storage_order(store)
    return Crowd(hub=hub, others=others)


async def names(memory: Backend, user_id: int, direction: Direction, page: Page | None = None) -> list[str]:
    query = ListFollowsQuery(user_id=user_id, direction=direction, page=page or Page())
    return [u.username for u in await ListFollows(memory.users).execute(query)]


async def test_the_followers_of_a_user_come_in_id_order(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    people = await crowd(memory, store, hasher, clock)

    found = await ListFollows(memory.users).execute(
        ListFollowsQuery(user_id=people.hub.id, direction=Direction.FOLLOWERS, page=Page())
    )

    assert found == [
        UserSummaryDTO(id=u.id, username=u.username, full_name=u.full_name)
        for u in (people.others[0], people.others[2], people.others[3], people.others[4])
    ]
    assert [u.id for u in found] == sorted(u.id for u in found)


async def test_the_users_a_user_follows_come_in_id_order(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    people = await crowd(memory, store, hasher, clock)

    found = await ListFollows(memory.users).execute(
        ListFollowsQuery(user_id=people.hub.id, direction=Direction.FOLLOWING, page=Page())
    )

    assert found == [
        UserSummaryDTO(id=u.id, username=u.username, full_name=u.full_name)
        for u in (people.others[1], people.others[3], people.others[4])
    ]


async def test_the_two_directions_are_told_apart_for_every_user(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    people = await crowd(memory, store, hasher, clock)
    u0, u1, u2 = people.others[:3]

    assert await names(memory, u0.id, Direction.FOLLOWERS) == []
    assert await names(memory, u0.id, Direction.FOLLOWING) == ["hub", "user1"]
    assert await names(memory, u1.id, Direction.FOLLOWERS) == ["hub", "user0"]
    assert await names(memory, u1.id, Direction.FOLLOWING) == []
    assert await names(memory, u2.id, Direction.FOLLOWERS) == []
    assert await names(memory, u2.id, Direction.FOLLOWING) == ["hub"]


@pytest.mark.parametrize(
    ("direction", "skip", "limit", "expected"),
    [
        (Direction.FOLLOWERS, 0, 2, ["user0", "user2"]),
        (Direction.FOLLOWERS, 2, 2, ["user3", "user4"]),
        (Direction.FOLLOWERS, 3, 10, ["user4"]),
        (Direction.FOLLOWERS, 4, 10, []),
        (Direction.FOLLOWING, 1, 1, ["user3"]),
        (Direction.FOLLOWING, 2, 5, ["user4"]),
        (Direction.FOLLOWING, 3, 5, []),
    ],
)
async def test_a_page_is_the_window_of_the_id_ordered_list(
    memory: Backend,
    store: InMemoryStore,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    direction: Direction,
    skip: int,
    limit: int,
    expected: list[str],
) -> None:
    people = await crowd(memory, store, hasher, clock)

    assert await names(memory, people.hub.id, direction, Page(skip=skip, limit=limit)) == expected


async def test_a_user_without_links_has_empty_lists_both_ways(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    carol = await register(memory, hasher, clock, "carol")
    await follow(memory, clock, bob, alice)

    assert await names(memory, carol.id, Direction.FOLLOWERS) == []
    assert await names(memory, carol.id, Direction.FOLLOWING) == []
    assert await names(memory, bob.id, Direction.FOLLOWERS) == []
    assert await names(memory, alice.id, Direction.FOLLOWING) == []


@pytest.mark.parametrize("direction", list(Direction))
async def test_the_links_of_a_missing_user_are_user_not_found(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock, direction: Direction
) -> None:
    people = await crowd(memory, store, hasher, clock)

    with pytest.raises(UserNotFound):
        await names(memory, people.others[-1].id + 100, direction)
