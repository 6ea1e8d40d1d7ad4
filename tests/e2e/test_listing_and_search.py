"""GET /api/v1/users/ and GET /api/v1/users/search: order, paging, bounds, matching."""

from __future__ import annotations

from typing import Any

import httpx

from entrypoints.container import Container
from tests.e2e.helpers import (
    SEARCH,
    USERS,
    Cases,
    all_users,
    describe,
    ids_of,
    make_superuser,
    register,
    set_active,
)


async def register_many(client: httpx.AsyncClient, usernames: list[str]) -> list[int]:
    return [(await register(client, username))["id"] for username in usernames]


async def search(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(SEARCH, params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def test_list_returns_users_ordered_by_id_when_no_query_is_given(client: httpx.AsyncClient) -> None:
    ids = await register_many(client, ["charlie", "alpha", "delta", "bravo"])

    response = await client.get(USERS)

    assert response.status_code == 200
    users = response.json()
    assert ids_of(users) == sorted(ids)
    assert [user["username"] for user in users] == ["charlie", "alpha", "delta", "bravo"]


async def test_list_returns_an_empty_list_when_there_are_no_users(client: httpx.AsyncClient) -> None:
    response = await client.get(USERS)

    assert response.status_code == 200
    assert response.json() == []


LIST_WINDOWS: dict[str, tuple[dict[str, int], slice]] = {
    "middle": ({"skip": 1, "limit": 2}, slice(1, 3)),
    "first-only": ({"limit": 1}, slice(0, 1)),
    "skip-only": ({"skip": 3}, slice(3, None)),
    "skip-all": ({"skip": 5}, slice(5, None)),
    "skip-past-end": ({"skip": 50, "limit": 10}, slice(50, None)),
    "max-limit": ({"skip": 0, "limit": 1000}, slice(0, None)),
}


async def test_list_pages_by_id_when_skip_and_limit_are_given(client: httpx.AsyncClient) -> None:
    ids = await register_many(client, ["u-one", "u-two", "u-three", "u-four", "u-five"])
    cases = Cases()

    for case, (params, window) in LIST_WINDOWS.items():
        response = await client.get(USERS, params=params)
        cases.expect_status(case, response, 200)
        cases.check(case, response.status_code != 200 or ids_of(response.json()) == ids[window], describe(response))

    cases.assert_all_passed()


async def test_list_returns_at_most_100_users_when_limit_is_left_out(client: httpx.AsyncClient) -> None:
    ids = await register_many(client, [f"crowd{n:03}" for n in range(101)])

    response = await client.get(USERS)

    assert response.status_code == 200
    assert ids_of(response.json()) == ids[:100]


LIST_OUT_OF_BOUNDS: dict[str, dict[str, Any]] = {
    "limit-0": {"limit": 0},
    "limit-1001": {"limit": 1001},
    "limit-negative": {"limit": -1},
    "limit-not-a-number": {"limit": "ten"},
    "limit-fraction": {"limit": "1.5"},
    "skip-negative": {"skip": -1},
    "skip-not-a-number": {"skip": "none"},
    "active-only-not-a-bool": {"active_only": "perhaps"},
}


async def expect_422s(client: httpx.AsyncClient, path: str, cases_params: dict[str, dict[str, Any]]) -> None:
    cases = Cases()
    for case, params in cases_params.items():
        cases.expect_validation_error(case, await client.get(path, params=params))
    cases.assert_all_passed()


async def test_list_answers_422_when_a_query_parameter_is_out_of_bounds(client: httpx.AsyncClient) -> None:
    await register(client, "present")

    await expect_422s(client, USERS, LIST_OUT_OF_BOUNDS)


async def test_list_never_answers_500_when_skip_is_beyond_any_row(client: httpx.AsyncClient) -> None:
    await register(client, "lonely")

    response = await client.get(USERS, params={"skip": 10**20})

    assert response.status_code == 422 or (response.status_code == 200 and response.json() == []), response.text


async def test_list_returns_only_active_users_newest_first_when_active_only_is_true(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    first, second, third, fourth = await register_many(client, ["first", "second", "third", "fourth"])
    await set_active(client, root, second, False)
    await set_active(client, root, fourth, False)

    response = await client.get(USERS, params={"active_only": "true"})

    assert response.status_code == 200
    users = response.json()
    assert ids_of(users) == [third, first, root.id]
    assert all(user["is_active"] is True for user in users)


async def test_list_pages_the_newest_first_order_when_active_only_is_true_with_skip_and_limit(
    client: httpx.AsyncClient,
) -> None:
    ids = await register_many(client, ["old", "middle", "new"])

    response = await client.get(USERS, params={"active_only": "true", "skip": 1, "limit": 1})

    assert response.status_code == 200
    assert ids_of(response.json()) == [ids[1]]


async def test_list_includes_inactive_users_by_id_when_active_only_is_left_out_or_false(
    client: httpx.AsyncClient, container: Container
) -> None:
    root = await make_superuser(client, container)
    ids = await register_many(client, ["kept", "dormant"])
    await set_active(client, root, ids[1], False)

    default = await client.get(USERS)
    explicit = await client.get(USERS, params={"active_only": "false"})

    assert ids_of(default.json()) == [root.id, *ids]
    assert explicit.json() == default.json()
    assert [user["is_active"] for user in default.json()] == [True, True, False]


SEARCH_OUT_OF_BOUNDS: dict[str, dict[str, Any]] = {
    "missing": {},
    "empty": {"q": ""},
    "1-char": {"q": "a"},
    "101-chars": {"q": "x" * 101},
    "limit-0": {"q": "ab", "limit": 0},
    "limit-101": {"q": "ab", "limit": 101},
    "skip-negative": {"q": "ab", "skip": -1},
    "limit-not-a-number": {"q": "ab", "limit": "many"},
}


async def test_search_answers_422_when_a_query_parameter_is_out_of_bounds(client: httpx.AsyncClient) -> None:
    await register(client, "abacus")

    await expect_422s(client, SEARCH, SEARCH_OUT_OF_BOUNDS)


async def test_search_answers_200_when_q_is_at_its_length_limit(client: httpx.AsyncClient) -> None:
    await register(client, "abacus")

    two = await search(client, q="ab")
    hundred = await search(client, q="x" * 100)

    assert [user["username"] for user in two] == ["abacus"]
    assert hundred == []


async def expect_matches(client: httpx.AsyncClient, expectations: dict[str, list[str]]) -> None:
    """Each ``q`` finds exactly these usernames, in id order."""
    cases = Cases()
    for q, expected in expectations.items():
        response = await client.get(SEARCH, params={"q": q})
        cases.expect_status(q, response, 200)
        if response.status_code == 200:
            found = [user["username"] for user in response.json()]
            cases.check(q, found == expected, f"found {found}, expected {expected}")
    cases.assert_all_passed()


async def test_search_matches_a_case_insensitive_substring_when_q_is_in_email_username_or_full_name(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "ada", email="ada@example.com", full_name="Ada Lovelace")
    await register(client, "grace", email="grace@cobol.example.net", full_name="Grace Hopper")
    await register(client, "linus", email="linus@example.com")

    await expect_matches(
        client,
        {
            "LOVELACE": ["ada"],
            "lovelace": ["ada"],
            "COBOL.EX": ["grace"],
            "inU": ["linus"],
            "HoPpEr": ["grace"],
            "@EXAMPLE.COM": ["ada", "linus"],
            "nobody-here": [],
        },
    )


WILDCARD_USERS = ["pct%user", "pctXuser", "under_score", "underXscore", "back\\slash", "backslash", "plain"]


async def test_search_matches_wildcards_literally_when_q_contains_percent_underscore_or_backslash(
    client: httpx.AsyncClient,
) -> None:
    for n, username in enumerate(WILDCARD_USERS):
        await register(client, username, email=f"w{n}@example.com")

    await expect_matches(
        client,
        {
            "%%": [],
            "__": [],
            "\\\\": [],
            "%u": ["pct%user"],
            "t%u": ["pct%user"],
            "r_s": ["under_score"],
            "k\\s": ["back\\slash"],
            "\\sl": ["back\\slash"],
        },
    )


async def test_search_returns_20_matches_by_id_when_limit_is_left_out(client: httpx.AsyncClient) -> None:
    ids = await register_many(client, [f"member{n:02}" for n in range(25)])
    await register(client, "outsider")

    found = await search(client, q="member")

    assert ids_of(found) == ids[:20]


SEARCH_WINDOWS: dict[str, tuple[dict[str, int], slice]] = {
    "limit-100": ({"limit": 100}, slice(0, None)),
    "limit-1": ({"limit": 1}, slice(0, 1)),
    "skip-20": ({"skip": 20}, slice(20, None)),
    "window": ({"skip": 3, "limit": 4}, slice(3, 7)),
}


async def test_search_pages_matches_by_id_when_skip_and_limit_are_given(client: httpx.AsyncClient) -> None:
    ids = await register_many(client, [f"member{n:02}" for n in range(25)])
    cases = Cases()

    for case, (params, window) in SEARCH_WINDOWS.items():
        response = await client.get(SEARCH, params={"q": "MEMBER", **params})
        cases.expect_status(case, response, 200)
        cases.check(case, response.status_code != 200 or ids_of(response.json()) == ids[window], describe(response))

    cases.assert_all_passed()


async def test_search_returns_user_responses_when_users_match(client: httpx.AsyncClient) -> None:
    user = await register(client, "findme", full_name="Find Me")

    found = await search(client, q="findme")

    assert found == [user]


async def test_list_returns_user_responses_when_users_exist(client: httpx.AsyncClient) -> None:
    user = await register(client, "listed", full_name="Listed Person")

    assert await all_users(client) == [user]
