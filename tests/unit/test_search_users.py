"""SearchUsers: case-insensitive substring search over email, username and full name."""

from __future__ import annotations

import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from application.queries import Page
from application.use_cases.search_users import SearchUsers, SearchUsersQuery
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.support import register

EVERYONE = Page()


@pytest.fixture
async def people(memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock) -> Backend:
    await register(memory, hasher, clock, "alice", email="alice@wonder.land", full_name="Alice Liddell")
    await register(memory, hasher, clock, "bob", email="bob@example.com", full_name="Robert Percent")
    await register(memory, hasher, clock, "carol", email="carol@example.com", full_name="100% sure")
    await register(memory, hasher, clock, "snake_case", email="dave@example.com", full_name="Dave")
    await register(memory, hasher, clock, "snakeXcase", email="erin@example.com", full_name="Erin")
    await register(memory, hasher, clock, "frank", email="frank@example.com", full_name="back\\slash")
    await register(memory, hasher, clock, "grace", email="grace@example.com", full_name="1000 sure backslash")
    return memory


async def search(backend: Backend, text: str, page: Page = EVERYONE) -> list[str]:
    return [u.username for u in await SearchUsers(backend.users).execute(SearchUsersQuery(text=text, page=page))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wonder", ["alice"]),
        ("ALI", ["alice"]),
        ("liDDell", ["alice"]),
        ("percent", ["bob"]),
        ("example.COM", ["bob", "carol", "snake_case", "snakeXcase", "frank", "grace"]),
        ("nobody", []),
    ],
)
async def test_matches_a_substring_of_email_username_or_full_name_in_any_case(
    people: Backend, text: str, expected: list[str]
) -> None:
    assert await search(people, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0%", ["carol"]),
        ("%", ["carol"]),
        ("e_c", ["snake_case"]),
        ("_", ["snake_case"]),
        ("\\", ["frank"]),
        ("k\\s", ["frank"]),
    ],
)
async def test_wildcard_characters_match_only_themselves(people: Backend, text: str, expected: list[str]) -> None:
    assert await search(people, text) == expected


async def test_results_are_ordered_by_id_and_paged(people: Backend) -> None:
    assert await search(people, "example") == ["bob", "carol", "snake_case", "snakeXcase", "frank", "grace"]
    assert await search(people, "example", Page(skip=2, limit=2)) == ["snake_case", "snakeXcase"]
    assert await search(people, "example", Page(skip=6, limit=2)) == []
