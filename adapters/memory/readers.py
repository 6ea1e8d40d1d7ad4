from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from adapters.memory.store import InMemoryStore, Tables
from application.auth import Actor, Credentials
from application.ports.readers import CredentialsReader, PostReader, UserReader
from application.queries import Page, PostFilter
from application.views import (
    CommentDTO,
    PostDetailDTO,
    PostDTO,
    PostWithAuthorDTO,
    PostWithCommentsDTO,
    ProfileDTO,
    UserDTO,
    UserSummaryDTO,
    UserWithPostsDTO,
)
from domain.posts import Post, is_visible
from domain.text import fold_case
from domain.users import User, is_email_login

E = TypeVar("E")
_FOLLOWERS, _FOLLOWING = True, False


class InMemoryUserReader(UserReader):
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def get(self, user_id: int) -> UserDTO | None:
        user = self._store.committed.users.get(user_id)
        return None if user is None else UserDTO.from_entity(user)

    async def list_page(self, page: Page, *, active_only: bool) -> list[UserDTO]:
        users = _by_id(self._store.committed.users.values())
        if active_only:
            newest_first = [u for u in reversed(users) if u.is_active]
            return [UserDTO.from_entity(u) for u in _paged(newest_first, page, newest_first=True)]
        return [UserDTO.from_entity(u) for u in _paged(users, page)]

    async def search(self, query: str, page: Page) -> list[UserDTO]:
        needle = fold_case(query)
        found = [
            u
            for u in _by_id(self._store.committed.users.values())
            if needle in fold_case(u.email) or needle in fold_case(u.username) or needle in fold_case(u.full_name or "")
        ]
        return [UserDTO.from_entity(u) for u in _paged(found, page)]

    async def get_with_posts(self, user_id: int, *, viewer: Actor | None) -> UserWithPostsDTO | None:
        tables = self._store.committed
        user = tables.users.get(user_id)
        if user is None:
            return None
        posts = _posts_of(tables, user_id, viewer)
        return UserWithPostsDTO(user=UserDTO.from_entity(user), posts=[PostDTO.from_entity(p) for p in posts])

    async def get_profile(self, user_id: int, *, viewer: Actor | None) -> ProfileDTO | None:
        tables = self._store.committed
        user = tables.users.get(user_id)
        if user is None:
            return None
        posts = [
            PostWithCommentsDTO(post=PostDTO.from_entity(p), comments=_comments_of(tables, p.id or 0))
            for p in _posts_of(tables, user_id, viewer)
        ]
        return ProfileDTO(
            user=UserDTO.from_entity(user),
            posts=posts,
            followers=_linked(tables, user_id, _FOLLOWERS, None),
            following=_linked(tables, user_id, _FOLLOWING, None),
        )

    async def followers(self, user_id: int, page: Page) -> list[UserSummaryDTO] | None:
        tables = self._store.committed
        return _linked(tables, user_id, _FOLLOWERS, page) if user_id in tables.users else None

    async def following(self, user_id: int, page: Page) -> list[UserSummaryDTO] | None:
        tables = self._store.committed
        return _linked(tables, user_id, _FOLLOWING, page) if user_id in tables.users else None

    async def taken(self, emails: Sequence[str], usernames: Sequence[str]) -> tuple[set[str], set[str]]:
        wanted_emails, wanted_usernames = {fold_case(e) for e in emails}, set(usernames)
        users = self._store.committed.users.values()
        return (
            {fold_case(u.email) for u in users} & wanted_emails,
            {u.username for u in users} & wanted_usernames,
        )


class InMemoryPostReader(PostReader):
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def list_page(self, page: Page, post_filter: PostFilter, *, viewer: Actor | None) -> list[PostWithAuthorDTO]:
        tables = self._store.committed
        posts = _by_id(
            p
            for p in tables.posts.values()
            if post_filter.author_id in (None, p.author_id)
            and post_filter.published in (None, p.published)
            and _visible(p, viewer)
        )
        return [
            PostWithAuthorDTO(post=PostDTO.from_entity(p), author=_summary(tables.users[p.author_id]))
            for p in _paged(posts, page)
        ]

    async def get_detail(self, post_id: int, *, viewer: Actor | None) -> PostDetailDTO | None:
        tables = self._store.committed
        post = tables.posts.get(post_id)
        if post is None or not _visible(post, viewer):
            return None
        return PostDetailDTO(
            post=PostDTO.from_entity(post),
            author=_summary(tables.users[post.author_id]),
            comments=_comments_of(tables, post_id),
        )

    async def comments(self, post_id: int, page: Page, *, viewer: Actor | None) -> list[CommentDTO] | None:
        tables = self._store.committed
        post = tables.posts.get(post_id)
        if post is None or not _visible(post, viewer):
            return None
        return _paged(_comments_of(tables, post_id), page)


def _visible(post: Post, viewer: Actor | None) -> bool:
    return is_visible(
        published=post.published,
        author_id=post.author_id,
        viewer_id=None if viewer is None else viewer.id,
        viewer_is_superuser=viewer is not None and viewer.is_superuser,
    )


def _posts_of(tables: Tables, author_id: int, viewer: Actor | None) -> list[Post]:
    """The author's posts that ``viewer`` may see, by id."""
    return _by_id(p for p in tables.posts.values() if p.author_id == author_id and _visible(p, viewer))


def _by_id(entities: Iterable[E]) -> list[E]:
    return sorted(entities, key=_id)


def _paged(items: list[E], page: Page | None, *, newest_first: bool = False) -> list[E]:
    """The page of ``items``, which are ordered by id (descending when ``newest_first``)."""
    if page is None:
        return items
    if page.after_id:
        after = page.after_id
        items = [i for i in items if (_id(i) < after if newest_first else _id(i) > after)]
    return items[page.skip : page.skip + page.limit]


def _id(entity: object) -> int:
    found = getattr(entity, "id", None)
    assert isinstance(found, int), "listed entities and DTOs are stored ones, with ids"
    return found


def _summary(user: User) -> UserSummaryDTO:
    assert user.id is not None
    return UserSummaryDTO(id=user.id, username=user.username, full_name=user.full_name)


def _comments_of(tables: Tables, post_id: int) -> list[CommentDTO]:
    return [CommentDTO.from_entity(c) for c in _by_id(c for c in tables.comments.values() if c.post_id == post_id)]


def _linked(tables: Tables, user_id: int, followers: bool, page: Page | None) -> list[UserSummaryDTO]:
    """The users following ``user_id`` (``followers``) or followed by them."""
    if followers:
        ids = [follower for follower, followee in tables.follows if followee == user_id]
    else:
        ids = [followee for follower, followee in tables.follows if follower == user_id]
    return _paged([_summary(tables.users[i]) for i in sorted(ids)], page)


class InMemoryCredentialsReader(CredentialsReader):
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def find_credentials(self, login: str) -> Credentials | None:
        if is_email_login(login):
            wanted = fold_case(login)
            match = [u for u in self._store.committed.users.values() if fold_case(u.email) == wanted]
        else:
            match = [u for u in self._store.committed.users.values() if u.username == login]
        if not match or match[0].id is None:
            return None
        user = match[0]
        return Credentials(user_id=match[0].id, hashed_password=user.hashed_password, is_active=user.is_active)

    async def user_for_token(self, token_hash: str, now: datetime) -> UserDTO | None:
        tables = self._store.committed
        token = tables.tokens.get(token_hash)
        if token is None or not token.is_valid_at(now):
            return None
        user = tables.users.get(token.user_id)
        return UserDTO.from_entity(user) if user is not None and user.is_active else None
