"""RealWorld's request bodies (each wrapped: ``{"user": {...}}``) and its response objects,
written from the use cases' read models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from application.views import AccountDTO, ArticleCommentDTO, ArticleDTO, AuthorDTO
from domain.posts import DESCRIPTION_MAX_LENGTH
from domain.tags import TAG_MAX_LENGTH
from domain.users import BIO_MAX_LENGTH, IMAGE_MAX_LENGTH
from entrypoints.http.schemas import (
    CommentContent,
    Email,
    Omittable,
    Password,
    PostContent,
    PostTitle,
    RequestBody,
    Username,
)

Bio = Annotated[str, StringConstraints(max_length=BIO_MAX_LENGTH)]
Image = Annotated[str, StringConstraints(max_length=IMAGE_MAX_LENGTH)]
Description = Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX_LENGTH)]
Tag = Annotated[str, StringConstraints(max_length=TAG_MAX_LENGTH)]


class _Body(RequestBody):
    # Strict types, as on /api/v1; but keys RealWorld clients add on their own are ignored.
    model_config = ConfigDict(extra="ignore", strict=True)


class NewUser(_Body):
    username: Username
    email: Email
    password: Password


class NewUserRequest(_Body):
    user: NewUser


class LoginUser(_Body):
    email: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class LoginUserRequest(_Body):
    user: LoginUser


class UpdateUser(_Body):
    """Only the fields sent change; ``bio`` and ``image`` may be null (cleared)."""

    email: Omittable[Email] = None
    username: Omittable[Username] = None
    password: Omittable[Password] = None
    bio: Bio | None = None
    image: Image | None = None


class UpdateUserRequest(_Body):
    user: UpdateUser


class NewArticle(_Body):
    title: PostTitle
    description: Description
    body: PostContent
    tagList: list[Tag] = Field(default_factory=list)  # noqa: N815 - RealWorld's name


class NewArticleRequest(_Body):
    article: NewArticle


class UpdateArticle(_Body):
    """Only the fields sent change; the slug stays. ``tagList`` is not in the spec, but
    front ends send it, and it replaces the tags."""

    title: Omittable[PostTitle] = None
    description: Omittable[Description] = None
    body: Omittable[PostContent] = None
    tagList: Omittable[list[Tag]] = None  # noqa: N815 - RealWorld's name


class UpdateArticleRequest(_Body):
    article: UpdateArticle


class NewComment(_Body):
    body: CommentContent


class NewCommentRequest(_Body):
    comment: NewComment


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as JavaScript's ``toISOString`` writes it (the
    RealWorld tests want the fraction, also when it is zero)."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def user(account: AccountDTO, token: str) -> dict[str, object]:
    return {
        "email": account.email,
        "token": token,
        "username": account.username,
        "bio": account.bio,
        "image": account.image,
    }


def profile(author: AuthorDTO) -> dict[str, object]:
    return {"username": author.username, "bio": author.bio, "image": author.image, "following": author.following}


def article(found: ArticleDTO) -> dict[str, object]:
    """An article, also in lists: the spec's list schema leaves ``body`` out, but RealWorld's
    own tests (which clients follow) want it. Tags come sorted, as those tests expect too."""
    return {
        "slug": found.slug,
        "title": found.title,
        "description": found.description,
        "body": found.body,
        "tagList": sorted(found.tags),
        "createdAt": timestamp(found.created_at),
        "updatedAt": timestamp(found.updated_at),
        "favorited": found.favorited,
        "favoritesCount": found.favorites_count,
        "author": profile(found.author),
    }


def comment(found: ArticleCommentDTO) -> dict[str, object]:
    written = timestamp(found.created_at)  # comments are not edited
    return {
        "id": found.id,
        "createdAt": written,
        "updatedAt": written,
        "body": found.body,
        "author": profile(found.author),
    }
