"""The User entity and its rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from domain.errors import InvalidValue
from domain.text import require_text

EMAIL_MAX_LENGTH = 255
USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 100
FULL_NAME_MAX_LENGTH = 255
BIO_MAX_LENGTH = 10_000
IMAGE_MAX_LENGTH = 2_048

# A structural check only; the HTTP edge applies the full RFC rules before this.
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
_USERNAME_FORBIDDEN = re.compile(r"[\s@]")


def validate_email(email: str) -> str:
    require_text("email", email, min_length=3, max_length=EMAIL_MAX_LENGTH)
    if not _EMAIL.fullmatch(email):
        raise InvalidValue("email", "email must be a valid address")
    return email


def validate_username(username: str) -> str:
    """Usernames carry no '@' and no white space, so a login name is never ambiguous."""
    require_text("username", username, min_length=USERNAME_MIN_LENGTH, max_length=USERNAME_MAX_LENGTH)
    if _USERNAME_FORBIDDEN.search(username):
        raise InvalidValue("username", "username must not contain '@' or white space")
    return username


def validate_full_name(full_name: str | None) -> str | None:
    if full_name is None:
        return None
    return require_text("full_name", full_name, min_length=0, max_length=FULL_NAME_MAX_LENGTH)


def validate_bio(bio: str | None) -> str | None:
    if bio is None:
        return None
    return require_text("bio", bio, min_length=0, max_length=BIO_MAX_LENGTH)


def validate_image(image: str | None) -> str | None:
    """The address of a picture of the user; stored as given (the edge checks it is a URL)."""
    if image is None:
        return None
    return require_text("image", image, min_length=0, max_length=IMAGE_MAX_LENGTH)


def is_email_login(login: str) -> bool:
    """A login containing '@' names an email address; any other login names a username."""
    return "@" in login


@dataclass(eq=False, kw_only=True)
class User:
    """A registered person. ``hashed_password`` is opaque to the domain."""

    id: int | None = None
    email: str
    username: str
    hashed_password: str
    full_name: str | None = None
    bio: str | None = None
    image: str | None = None
    is_active: bool = True
    is_superuser: bool = False
    created_at: datetime
    updated_at: datetime

    @classmethod
    def register(
        cls,
        *,
        email: str,
        username: str,
        hashed_password: str,
        full_name: str | None,
        now: datetime,
        is_superuser: bool = False,
    ) -> User:
        return cls(
            email=validate_email(email),
            username=validate_username(username),
            hashed_password=hashed_password,
            full_name=validate_full_name(full_name),
            is_superuser=is_superuser,
            created_at=now,
            updated_at=now,
        )

    def change_email(self, email: str, now: datetime) -> None:
        self.email = validate_email(email)
        self.updated_at = now

    def change_username(self, username: str, now: datetime) -> None:
        self.username = validate_username(username)
        self.updated_at = now

    def change_full_name(self, full_name: str | None, now: datetime) -> None:
        self.full_name = validate_full_name(full_name)
        self.updated_at = now

    def change_bio(self, bio: str | None, now: datetime) -> None:
        self.bio = validate_bio(bio)
        self.updated_at = now

    def change_image(self, image: str | None, now: datetime) -> None:
        self.image = validate_image(image)
        self.updated_at = now

    def change_password_hash(self, hashed_password: str, now: datetime) -> None:
        self.hashed_password = hashed_password
        self.updated_at = now

    def set_active(self, is_active: bool, now: datetime) -> None:
        self.is_active = is_active
        self.updated_at = now
