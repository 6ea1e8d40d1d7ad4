"""Properties of the domain rules, checked on generated values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.posts import Post
from domain.users import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH, User

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

# Characters any stored text may hold: no NUL, no lone surrogate.
storable = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
# Characters of a username or of an email's parts: storable, no '@', no white space.
plain = st.characters(exclude_categories=["Cs"], exclude_characters="\x00@").filter(lambda c: not c.isspace())
# Every white-space character there is (the last one is U+3000).
WHITESPACE = [chr(code) for code in range(0x3001) if chr(code).isspace()]
whitespace = st.sampled_from(WHITESPACE)
surrogate = st.characters(categories=["Cs"])

usernames = st.text(plain, min_size=USERNAME_MIN_LENGTH, max_size=USERNAME_MAX_LENGTH)
emails = st.builds(
    lambda local, domain, tld: f"{local}@{domain}.{tld}",
    st.text(plain, min_size=1, max_size=64),
    st.text(plain, min_size=1, max_size=60),
    st.text(plain, min_size=1, max_size=60),
)
full_names = st.none() | st.text(storable, max_size=255)
moments = st.datetimes(timezones=st.just(UTC))


def register(*, email: str = "alice@example.com", username: str = "alice", full_name: str | None = None) -> User:
    return User.register(email=email, username=username, hashed_password="h", full_name=full_name, now=T0)


@st.composite
def with_inserted(draw: st.DrawFn, base: st.SearchStrategy[str], extra: st.SearchStrategy[str]) -> str:
    """A value of ``base`` with one character of ``extra`` put in at any position."""
    text = draw(base)
    position = draw(st.integers(min_value=0, max_value=len(text)))
    return text[:position] + draw(extra) + text[position:]


def assert_rejected(field: str, **values: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        register(**values)
    assert raised.value.field == field


@given(emails)
def test_a_valid_email_is_accepted_unchanged(email: str) -> None:
    assert register(email=email).email == email


@given(usernames)
def test_a_valid_username_is_accepted_unchanged(username: str) -> None:
    assert register(username=username).username == username


@given(full_names)
def test_a_storable_full_name_up_to_255_characters_is_accepted_unchanged(full_name: str | None) -> None:
    assert register(full_name=full_name).full_name == full_name


def longer_than(limit: int) -> st.SearchStrategy[str]:
    """Text of any plain characters, repeated until it is longer than ``limit`` (fast to generate)."""
    return st.builds(
        lambda piece, extra: (piece * (limit // len(piece) + 1))[: limit + extra],
        st.text(plain, min_size=1, max_size=12),
        st.integers(min_value=1, max_value=50),
    ).filter(lambda text: len(text) > limit)


@given(st.text(plain, max_size=USERNAME_MIN_LENGTH - 1) | longer_than(USERNAME_MAX_LENGTH))
def test_a_username_shorter_than_3_or_longer_than_100_is_rejected(username: str) -> None:
    assert_rejected("username", username=username)


@given(
    with_inserted(
        st.text(plain, min_size=USERNAME_MIN_LENGTH - 1, max_size=USERNAME_MAX_LENGTH - 1),
        st.just("@") | whitespace | st.just("\x00"),
    )
)
def test_a_username_with_an_at_sign_white_space_or_nul_is_rejected(username: str) -> None:
    assert_rejected("username", username=username)


@given(st.text(st.characters(exclude_characters="@"), max_size=300))
def test_an_email_without_an_at_sign_is_rejected(email: str) -> None:
    assert_rejected("email", email=email)


@given(with_inserted(emails, whitespace))
def test_an_email_with_white_space_is_rejected(email: str) -> None:
    assert_rejected("email", email=email)


@given(
    st.builds(
        lambda local, domain: f"{local}@{domain}.com",
        st.text(plain, min_size=1, max_size=64),
        longer_than(EMAIL_MAX_LENGTH - 6),
    )
)
def test_an_email_longer_than_255_characters_is_rejected(email: str) -> None:
    assert_rejected("email", email=email)


@given(with_inserted(emails, surrogate))
def test_an_email_with_a_lone_surrogate_is_rejected(email: str) -> None:
    assert_rejected("email", email=email)


@given(with_inserted(st.text(plain, min_size=2, max_size=99), surrogate))
def test_a_username_with_a_lone_surrogate_is_rejected(username: str) -> None:
    assert_rejected("username", username=username)


@given(with_inserted(st.text(storable, max_size=254), surrogate | st.just("\x00")))
def test_a_full_name_with_a_lone_surrogate_or_nul_is_rejected(full_name: str) -> None:
    assert_rejected("full_name", full_name=full_name)


@given(with_inserted(st.text(storable, max_size=100), surrogate | st.just("\x00")), st.booleans())
def test_a_post_title_or_content_with_a_lone_surrogate_or_nul_is_rejected(text: str, in_title: bool) -> None:
    title, content = (text, "content") if in_title else ("title", text)

    with pytest.raises(InvalidValue) as raised:
        Post.write(author_id=1, title=title, content=content, published=False, now=T0)

    assert raised.value.field == ("title" if in_title else "content")


@dataclass(frozen=True)
class Change:
    field: str
    value: str | bool | None
    now: datetime

    def apply(self, user: User) -> None:
        if self.field == "email":
            assert isinstance(self.value, str)
            user.change_email(self.value, self.now)
        elif self.field == "username":
            assert isinstance(self.value, str)
            user.change_username(self.value, self.now)
        elif self.field == "full_name":
            assert self.value is None or isinstance(self.value, str)
            user.change_full_name(self.value, self.now)
        elif self.field == "hashed_password":
            assert isinstance(self.value, str)
            user.change_password_hash(self.value, self.now)
        else:
            assert isinstance(self.value, bool)
            user.set_active(self.value, self.now)


changes = st.one_of(
    st.builds(Change, st.just("email"), emails, moments),
    st.builds(Change, st.just("username"), usernames, moments),
    st.builds(Change, st.just("full_name"), full_names, moments),
    st.builds(Change, st.just("hashed_password"), st.text(max_size=100), moments),
    st.builds(Change, st.just("is_active"), st.booleans(), moments),
)


@settings(max_examples=60)
@given(st.lists(changes, min_size=1, max_size=12))
def test_after_valid_changes_a_user_holds_the_last_values_and_the_last_time(sequence: list[Change]) -> None:
    user = register()
    expected: dict[str, object] = {
        "email": user.email,
        "username": user.username,
        "full_name": user.full_name,
        "hashed_password": user.hashed_password,
        "is_active": user.is_active,
    }

    for change in sequence:
        change.apply(user)
        expected[change.field] = change.value

    assert {field: getattr(user, field) for field in expected} == expected
    assert user.updated_at == sequence[-1].now
    assert user.created_at == T0
