"""Request and response bodies: the edge's validation of ../shared/API.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import email_validator
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from domain.comments import COMMENT_MAX_LENGTH
from domain.errors import InvalidValue
from domain.posts import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH, validate_content, validate_title
from domain.text import require_text
from domain.users import (
    EMAIL_MAX_LENGTH,
    FULL_NAME_MAX_LENGTH,
    USERNAME_MAX_LENGTH,
    USERNAME_MIN_LENGTH,
    validate_username,
)


def _domain_rule(rule: Callable[[str], str]) -> AfterValidator:
    """Run a domain rule as a pydantic validator, so its failure is an ordinary 422."""

    def check(value: str) -> str:
        try:
            return rule(value)
        except InvalidValue as error:
            raise ValueError(error.message) from None

    return AfterValidator(check)


def _storable(field: str, *, min_length: int, max_length: int) -> AfterValidator:
    return _domain_rule(lambda value: require_text(field, value, min_length=min_length, max_length=max_length))


class Documented:
    """Tells the JSON schema (so the OpenAPI document) a rule that a validator already
    enforces, without checking it twice: the client can see the rule, and breaking it
    still gets the domain's own clear message."""

    def __init__(self, **keywords: object) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {**handler(schema), **self.keywords}


class NotNullable:
    """The schema of ``X | None`` that refuses ``null``: plain ``X``. The ``None`` in the
    type is only the "left out" default; saying ``X | null`` would invite clients to send it."""

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        generated = handler(schema)
        variants = [variant for variant in generated.get("anyOf", ()) if variant != {"type": "null"}]
        if len(variants) != 1:
            raise TypeError(f"NotNullable expects X | None, got {generated}")
        rest = {key: value for key, value in generated.items() if key != "anyOf"}
        return {**variants[0], **rest}


def _refuse_null(value: object) -> object:
    if value is None:
        raise ValueError("may be left out, but not null")
    return value


T = TypeVar("T")
# A field or query parameter that may be left out (None is its default) but never sent as null.
Omittable = Annotated[T | None, BeforeValidator(_refuse_null), NotNullable()]

# Storable text (domain.text.require_text) has no NUL character. Lone surrogates cannot be
# written as a pattern every JSON Schema engine accepts, so they stay the validator's alone.
NO_NUL = r"^[^\x00]*$"
# Usernames: storable, and no '@' or white space (domain.users), white space spelt out as
# Python's str.isspace, since regex engines disagree on what \s means.
USERNAME_PATTERN = r"^[^@\x00\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"


def _text(*, min_length: int, max_length: int) -> Documented:
    """The schema of storable text of a length the domain checks."""
    return Documented(minLength=min_length, maxLength=max_length, pattern=NO_NUL)


# Lengths are checked by pydantic first, so a too-long value gets pydantic's own 422 type;
# the domain's rules (the same limits, plus storable text) run after.


def _any_case(word: str) -> str:
    return "".join(f"[{letter.upper()}{letter.lower()}]" if letter.isalpha() else re.escape(letter) for letter in word)


# email-validator (EmailStr) allows 254 characters (RFC 5321's path limit), one fewer than the
# column, and refuses addresses at special-use domains (.test, .local, .invalid, ...).
EMAIL_SCHEMA: dict[str, object] = {
    "maxLength": 254,
    "not": {"pattern": f"[.@]({'|'.join(map(_any_case, email_validator.SPECIAL_USE_DOMAIN_NAMES))})$"},
}
Email = Annotated[EmailStr, StringConstraints(max_length=EMAIL_MAX_LENGTH), Documented(**EMAIL_SCHEMA)]
Username = Annotated[
    str,
    StringConstraints(min_length=USERNAME_MIN_LENGTH, max_length=USERNAME_MAX_LENGTH),
    _domain_rule(validate_username),
    Documented(pattern=USERNAME_PATTERN),
]
Password = Annotated[
    str,
    StringConstraints(min_length=8, max_length=100),
    _storable("password", min_length=8, max_length=100),
    Documented(pattern=NO_NUL),
]
FullName = Annotated[
    str,
    StringConstraints(max_length=FULL_NAME_MAX_LENGTH),
    _storable("full_name", min_length=0, max_length=FULL_NAME_MAX_LENGTH),
    Documented(pattern=NO_NUL),
]
SearchText = Annotated[str, _storable("q", min_length=2, max_length=100), _text(min_length=2, max_length=100)]


class RequestBody(BaseModel):
    # Strict: a JSON body's types are what the schema says (0 is no boolean, "7" no id).
    model_config = ConfigDict(extra="forbid", strict=True)

    def given(self) -> dict[str, Any]:
        """The fields the client sent, for partial updates."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class UserCreate(RequestBody):
    email: Email
    username: Username
    password: Password
    full_name: FullName | None = None


class UserUpdate(RequestBody):
    """Only the fields sent change; ``null`` is accepted for ``full_name`` alone."""

    email: Omittable[Email] = None
    username: Omittable[Username] = None
    full_name: FullName | None = None
    password: Omittable[Password] = None
    is_active: Omittable[bool] = None


class LoginForm(BaseModel):
    """The OAuth2 password form; other OAuth2 fields (grant_type, scope, ...) are ignored."""

    username: Annotated[str, _storable("username", min_length=1, max_length=255), _text(min_length=1, max_length=255)]
    password: Annotated[str, _storable("password", min_length=1, max_length=1024), _text(min_length=1, max_length=1024)]


PostTitle = Annotated[str, _domain_rule(validate_title), _text(min_length=1, max_length=TITLE_MAX_LENGTH)]
PostContent = Annotated[str, _domain_rule(validate_content), _text(min_length=1, max_length=CONTENT_MAX_LENGTH)]
CommentContent = Annotated[
    str,
    _storable("content", min_length=1, max_length=COMMENT_MAX_LENGTH),
    _text(min_length=1, max_length=COMMENT_MAX_LENGTH),
]


class PostCreate(RequestBody):
    title: PostTitle
    content: PostContent
    published: bool = False


class PostUpdate(RequestBody):
    """Only the fields sent change; none of them may be null."""

    title: Omittable[PostTitle] = None
    content: Omittable[PostContent] = None
    published: Omittable[bool] = None


class CommentCreate(RequestBody):
    content: CommentContent


class UserResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    username: str
    full_name: str | None
    is_active: bool
    is_superuser: bool
    created_at: datetime
    updated_at: datetime


class PostResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    content: str
    published: bool
    author_id: int
    created_at: datetime
    updated_at: datetime


class UserWithPostsResponse(UserResponse):
    posts: list[PostResponse]


class UserSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    full_name: str | None


class CommentResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    post_id: int
    author_id: int
    content: str
    created_at: datetime


class PostWithAuthorResponse(PostResponse):
    author: UserSummary


class PostDetailResponse(PostWithAuthorResponse):
    comments: list[CommentResponse]


class PostWithCommentsResponse(PostResponse):
    comments: list[CommentResponse]


class ProfileResponse(UserResponse):
    posts: list[PostWithCommentsResponse]
    followers: list[UserSummary]
    following: list[UserSummary]


class TokenResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    access_token: str
    token_type: str
    expires_in: int


class ErrorResponse(BaseModel):
    """Every error but a validation error (422): what went wrong, in words."""

    detail: str


class HealthResponse(BaseModel):
    """``/health`` and ``/health/ready``, healthy (200) or not (503)."""

    status: str
    database: str
    replica: Annotated[str | None, NotNullable()] = None
    """Present only when a replica is configured: ``connected`` or ``degraded: <reason>``."""
