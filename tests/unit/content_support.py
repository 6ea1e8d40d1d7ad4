"""Helpers of the unit tests of posts, comments and follows: wiring of those use cases on the
memory backend."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.memory.store import InMemoryStore, Tables
from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Actor
from application.use_cases.add_comment import AddComment, AddCommentCommand
from application.use_cases.create_post import CreatePost, CreatePostCommand
from application.use_cases.favorite_post import FavoritePost, FavoritePostCommand
from application.use_cases.follow_user import FollowUser, FollowUserCommand
from application.views import CommentDTO, PostDTO, UserDTO
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.support import register


def actor(user: UserDTO) -> Actor:
    """The caller ``user`` is, with the rights they have."""
    return Actor.of(user)


def links(store: InMemoryStore) -> set[tuple[int, int]]:
    """The committed follow links as (follower id, followee id)."""
    return {(f.follower_id, f.followee_id) for f in store.committed.follows.values()}


def reverse_storage_order(store: InMemoryStore) -> None:
    """Publish the committed data again with every table in reverse key order, so a reader
    that answered in storage order rather than by id would answer differently."""
    store.committed = Tables(**{name: dict(reversed(list(table.items()))) for name, table in store.committed.named()})


async def write_post(
    memory: Backend,
    clock: ManualClock,
    author: UserDTO,
    title: str = "A title",
    *,
    content: str = "Some content",
    published: bool = False,
    tags: tuple[str, ...] = (),
) -> PostDTO:
    command = CreatePostCommand(actor=actor(author), title=title, content=content, published=published, tags=tags)
    return await CreatePost(memory.uow, clock).execute(command)


async def comment_on(
    memory: Backend, clock: ManualClock, author: UserDTO, post_id: int, content: str = "Nice post"
) -> CommentDTO:
    command = AddCommentCommand(actor=actor(author), post_id=post_id, content=content)
    return await AddComment(memory.uow, clock).execute(command)


async def follow(memory: Backend, clock: ManualClock, follower: UserDTO, followee: UserDTO) -> None:
    await FollowUser(memory.uow, clock).execute(FollowUserCommand(actor=actor(follower), user_id=followee.id))


async def favorite(memory: Backend, clock: ManualClock, user: UserDTO, post_id: int) -> None:
    await FavoritePost(memory.uow, clock).execute(FavoritePostCommand(actor=actor(user), post_id=post_id))


@dataclass(frozen=True)
class AlicesDraft:
    """Alice's draft with her note on it, and who is looking."""

    alice: UserDTO
    root: UserDTO
    bob: UserDTO
    draft: PostDTO
    note: CommentDTO

    @property
    def allowed(self) -> tuple[Actor, Actor]:
        """Its author and a superuser: they see the draft."""
        return actor(self.alice), actor(self.root)

    @property
    def others(self) -> tuple[Actor | None, Actor]:
        """Anonymous and another user: to them the draft does not exist."""
        return None, actor(self.bob)


async def alices_draft(memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock) -> AlicesDraft:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    root = await register(memory, hasher, clock, "root", is_superuser=True)
    draft = await write_post(memory, clock, alice, "Draft", published=False)
    note = await comment_on(memory, clock, alice, draft.id, "note to self")
    return AlicesDraft(alice=alice, root=root, bob=bob, draft=draft, note=note)
