"""The User entity: what registration produces and how each change moves ``updated_at``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidValue
from domain.users import User, is_email_login

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)


def a_user(
    *,
    email: str = "alice@example.com",
    username: str = "alice",
    full_name: str | None = "Alice Liddell",
    is_superuser: bool = False,
) -> User:
    return User.register(
        email=email,
        username=username,
        hashed_password="$argon2id$opaque",
        full_name=full_name,
        now=T0,
        is_superuser=is_superuser,
    )


def test_registration_sets_the_given_values_and_both_timestamps_to_now() -> None:
    user = a_user()

    assert user.id is None
    assert (user.email, user.username, user.full_name) == ("alice@example.com", "alice", "Alice Liddell")
    assert user.hashed_password == "$argon2id$opaque"
    assert user.created_at == T0
    assert user.updated_at == T0


def test_a_registered_user_is_active_and_not_a_superuser_by_default() -> None:
    user = a_user()

    assert user.is_active is True
    assert user.is_superuser is False


def test_registration_may_make_a_superuser() -> None:
    assert a_user(is_superuser=True).is_superuser is True


def test_registration_accepts_no_full_name_and_an_empty_one() -> None:
    assert a_user(full_name=None).full_name is None
    assert a_user(full_name="").full_name == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-address"),
        ("email", "two@@example.com"),
        ("email", "a@b"),
        ("username", "al"),
        ("username", "al ice"),
        ("username", "al@ice"),
        ("full_name", "x" * 256),
    ],
)
def test_registration_rejects_a_value_that_breaks_a_rule_naming_the_field(field: str, value: str) -> None:
    values = {"email": "alice@example.com", "username": "alice", "full_name": "Alice"} | {field: value}

    with pytest.raises(InvalidValue) as raised:
        a_user(email=values["email"], username=values["username"], full_name=values["full_name"])

    assert raised.value.field == field


def test_a_username_of_exactly_3_and_exactly_100_characters_is_accepted() -> None:
    assert a_user(username="abc").username == "abc"
    assert a_user(username="u" * 100).username == "u" * 100


def test_an_email_of_exactly_255_characters_is_accepted() -> None:
    email = "a@" + "d" * 249 + ".com"
    assert len(email) == 255

    assert a_user(email=email).email == email


def test_changing_the_email_sets_it_and_moves_updated_at_only() -> None:
    user = a_user()

    user.change_email("new@example.org", LATER)

    assert user.email == "new@example.org"
    assert user.updated_at == LATER
    assert user.created_at == T0


def test_changing_the_username_sets_it_and_moves_updated_at_only() -> None:
    user = a_user()

    user.change_username("alice2", LATER)

    assert user.username == "alice2"
    assert user.updated_at == LATER
    assert user.created_at == T0


def test_changing_the_full_name_sets_it_and_may_clear_it() -> None:
    user = a_user()

    user.change_full_name("Alice L.", LATER)
    assert user.full_name == "Alice L."
    user.change_full_name(None, LATER + timedelta(seconds=1))

    assert user.full_name is None
    assert user.updated_at == LATER + timedelta(seconds=1)
    assert user.created_at == T0


def test_changing_the_password_hash_sets_it_and_moves_updated_at_only() -> None:
    user = a_user()

    user.change_password_hash("$argon2id$other", LATER)

    assert user.hashed_password == "$argon2id$other"
    assert user.updated_at == LATER
    assert user.created_at == T0


def test_deactivating_and_reactivating_move_updated_at_only() -> None:
    user = a_user()

    user.set_active(False, LATER)
    assert user.is_active is False
    assert user.updated_at == LATER
    user.set_active(True, LATER + timedelta(hours=1))

    assert user.is_active is True
    assert user.updated_at == LATER + timedelta(hours=1)
    assert user.created_at == T0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda u: u.change_email("broken", LATER), "email"),
        (lambda u: u.change_username("x", LATER), "username"),
        (lambda u: u.change_username("has space", LATER), "username"),
        (lambda u: u.change_full_name("n" * 256, LATER), "full_name"),
    ],
)
def test_a_rejected_change_leaves_the_user_as_it_was(change: Callable[[User], None], field: str) -> None:
    user = a_user()
    before = vars(user).copy()

    with pytest.raises(InvalidValue) as raised:
        change(user)

    assert raised.value.field == field
    assert vars(user) == before


def test_a_login_with_an_at_sign_names_an_email_and_any_other_a_username() -> None:
    assert is_email_login("alice@example.com") is True
    assert is_email_login("alice") is False
