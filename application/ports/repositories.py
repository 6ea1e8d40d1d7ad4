"""Repositories: load and store aggregates inside a unit of work. They never commit."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.tokens import AccessToken
from domain.users import User


class UserRepository(ABC):
    """Users of the current unit of work; changes to loaded users are saved on commit."""

    @abstractmethod
    async def add(self, user: User) -> None:
        """Store a new user and assign its id.

        Raises ``EmailOrUsernameTaken`` when the email (compared case-insensitively) or the
        username belongs to another user, here or at commit.
        """

    @abstractmethod
    async def get(self, user_id: int) -> User | None:
        """The user with this id, or None."""

    @abstractmethod
    async def delete(self, user_id: int) -> bool:
        """Remove the user with everything that belongs to them (posts, comments, follow
        links, tokens). False if there was no such user: also when a concurrent delete
        removed it first, so of two deletes racing, exactly one reports True."""

    @abstractmethod
    async def lock(self, user_ids: Sequence[int]) -> list[User]:
        """Load these users and lock their rows until the transaction ends (``SELECT ...
        FOR UPDATE``), lowest id first, so two transactions locking the same users in any
        argument order cannot deadlock. Missing ids are left out of the answer."""

    @abstractmethod
    async def deactivate_many(self, user_ids: Sequence[int], now: datetime) -> int:
        """Deactivate the active users among ``user_ids`` in one statement; return how many
        were active before."""


class PostRepository(ABC):
    """Posts of the current unit of work; changes to loaded posts are saved on commit."""

    @abstractmethod
    async def add(self, post: Post) -> None:
        """Store a new post and assign its id. If its slug is taken (also by a post stored
        at the same moment), the post gets a free one, the slug with a random suffix
        (``domain.slugs.with_suffix``): ``post.slug`` says which."""

    @abstractmethod
    async def get(self, post_id: int) -> Post | None:
        """The post with this id, or None."""

    @abstractmethod
    async def delete(self, post_id: int) -> bool:
        """Remove the post with its comments. False if there was no such post: also when a
        concurrent delete removed it first."""

    @abstractmethod
    async def add_many(self, posts: Sequence[Post]) -> None:
        """Store new posts with multi-row statements, not a round trip per post. Their ids
        are not read back: use ``add`` for a post whose id the caller needs. Slugs are
        made free as ``add`` does; should a concurrent write take one meanwhile, raises
        ``SlugTaken`` and stores none."""

    @abstractmethod
    async def set_tags(self, post_id: int, tags: Sequence[str]) -> None:
        """Make ``tags`` (normalised: ``domain.tags.normalise_tags``) the post's tags, in
        this order, creating the tags no post carried yet (also when another transaction
        creates the same tag at the same moment). Raises ``PostNotFound`` if the post is gone."""

    @abstractmethod
    async def transfer_all(self, from_user_id: int, to_user_id: int, now: datetime) -> int:
        """Give every post of one user to another in one statement; return how many moved."""


class CommentRepository(ABC):
    @abstractmethod
    async def add(self, comment: Comment) -> None:
        """Store a new comment and assign its id."""

    @abstractmethod
    async def get(self, comment_id: int) -> Comment | None:
        """The comment with this id, or None."""

    @abstractmethod
    async def delete(self, comment_id: int) -> bool:
        """Remove the comment. False if there was no such comment: also when a concurrent
        delete (of it, its post or its author) removed it first."""


class FavoriteRepository(ABC):
    """Which users marked which posts as favourites: at most one mark per pair."""

    @abstractmethod
    async def add(self, user_id: int, post_id: int, now: datetime) -> None:
        """Mark the post as the user's favourite; nothing changes if it is already (also
        when the same mark is made at the same moment). Raises ``PostNotFound`` or
        ``UserNotFound`` when either is gone, also when a concurrent delete removes it."""

    @abstractmethod
    async def remove(self, user_id: int, post_id: int) -> None:
        """Unmark it, if it was marked."""


class FollowRepository(ABC):
    @abstractmethod
    async def add(self, follow: Follow) -> None:
        """Store a new link. Raises ``AlreadyFollowing`` if the pair is linked already, in
        which case the transaction may go on only after a savepoint around this call."""

    @abstractmethod
    async def remove(self, follower_id: int, followee_id: int) -> None:
        """Remove the link if there is one."""


class TokenRepository(ABC):
    """Access tokens, known only by the hash of their secret."""

    @abstractmethod
    async def add(self, token: AccessToken) -> None:
        """Store a new token."""

    @abstractmethod
    async def delete_by_hash(self, token_hash: str) -> None:
        """End one token; no error if it is already gone."""

    @abstractmethod
    async def delete_for_users(self, user_ids: Sequence[int]) -> None:
        """End every token of these users in one statement."""

    @abstractmethod
    async def delete_expired(self, user_id: int, now: datetime) -> None:
        """Forget a user's tokens that expired before ``now``."""
