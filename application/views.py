"""Read models: plain, immutable answers for the entrypoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.comments import Comment
from domain.posts import Post
from domain.users import User


@dataclass(frozen=True, slots=True, kw_only=True)
class UserDTO:
    id: int
    email: str
    username: str
    full_name: str | None
    is_active: bool
    is_superuser: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_entity(cls, user: User) -> UserDTO:
        assert user.id is not None, "a user is read only after it was stored"
        return cls(
            id=user.id,
            email=user.email,
            username=user.username,
            full_name=user.full_name,
            is_active=user.is_active,
            is_superuser=user.is_superuser,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PostDTO:
    id: int
    title: str
    content: str
    published: bool
    author_id: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_entity(cls, post: Post) -> PostDTO:
        assert post.id is not None, "a post is read only after it was stored"
        return cls(
            id=post.id,
            title=post.title,
            content=post.content,
            published=post.published,
            author_id=post.author_id,
            created_at=post.created_at,
            updated_at=post.updated_at,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class UserWithPostsDTO:
    user: UserDTO
    posts: list[PostDTO]


@dataclass(frozen=True, slots=True, kw_only=True)
class UserSummaryDTO:
    id: int
    username: str
    full_name: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CommentDTO:
    id: int
    post_id: int
    author_id: int
    content: str
    created_at: datetime

    @classmethod
    def from_entity(cls, comment: Comment) -> CommentDTO:
        assert comment.id is not None, "a comment is read only after it was stored"
        return cls(
            id=comment.id,
            post_id=comment.post_id,
            author_id=comment.author_id,
            content=comment.content,
            created_at=comment.created_at,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PostWithAuthorDTO:
    post: PostDTO
    author: UserSummaryDTO

    @property
    def id(self) -> int:
        """The post's: what a list of posts with their authors is ordered and paged by."""
        return self.post.id


@dataclass(frozen=True, slots=True, kw_only=True)
class PostDetailDTO:
    post: PostDTO
    author: UserSummaryDTO
    comments: list[CommentDTO]


@dataclass(frozen=True, slots=True, kw_only=True)
class PostWithCommentsDTO:
    post: PostDTO
    comments: list[CommentDTO]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileDTO:
    user: UserDTO
    posts: list[PostWithCommentsDTO]
    followers: list[UserSummaryDTO]
    following: list[UserSummaryDTO]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorDTO:
    """A user as a reader of their writing sees them: ``following`` says whether the
    reader follows them (False for an anonymous reader)."""

    id: int
    username: str
    bio: str | None
    image: str | None
    following: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountDTO:
    """A user as they see themself."""

    id: int
    email: str
    username: str
    bio: str | None
    image: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleDTO:
    """A published post with everything its reader sees of it: its tags in their order,
    how many users favour it, whether the reader does (False when anonymous), its author."""

    id: int
    slug: str
    title: str
    description: str
    body: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    favorited: bool
    favorites_count: int
    author: AuthorDTO


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticlePageDTO:
    """One page of a list of articles, and how many the whole list holds."""

    articles: list[ArticleDTO]
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleCommentDTO:
    id: int
    body: str
    created_at: datetime
    author: AuthorDTO


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolStatus:
    """A connection pool right now, and what it has done since start."""

    size: int
    checked_in: int
    checked_out: int
    overflow: int
    connects: int
    checkouts: int
    checkins: int
    resets: int
    invalidations: int
    checkout_timeouts: int
