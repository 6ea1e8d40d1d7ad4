"""GetUserWithPosts: one user with every post of theirs, in id order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from application.errors import UserNotFound
from application.use_cases.get_user_with_posts import GetUserWithPosts
from domain.posts import Post
from domain.users import User
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import actor
from tests.unit.support import register


async def write(store: InMemoryStore, author_id: int, title: str, clock: ManualClock, *, published: bool) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        await uow.posts.add(
            Post.write(author_id=author_id, title=title, content="text", published=published, now=clock.now())
        )
        await uow.commit()


async def test_answers_with_the_user_and_all_their_posts_in_id_order(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    clock.advance(timedelta(hours=2))
    await write(store, alice.id, "draft", clock, published=False)
    clock.advance(timedelta(hours=-1))
    await write(store, bob.id, "not alice's", clock, published=True)
    await write(store, alice.id, "written earlier", clock, published=True)

    found = await GetUserWithPosts(memory.users).execute(alice.id, viewer=actor(alice))

    assert found.user == alice
    assert [p.title for p in found.posts] == ["Welcome alice!", "draft", "written earlier"]
    assert [p.id for p in found.posts] == sorted(p.id for p in found.posts)
    assert {p.author_id for p in found.posts} == {alice.id}
    assert [p.published for p in found.posts] == [True, False, True]


async def test_a_user_without_posts_has_an_empty_list(
    memory: Backend, store: InMemoryStore, clock: ManualClock
) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        user = User.register(
            email="q@example.com", username="quiet", hashed_password="h", full_name=None, now=clock.now()
        )
        await uow.users.add(user)
        await uow.commit()
    assert user.id is not None

    found = await GetUserWithPosts(memory.users).execute(user.id, viewer=None)

    assert found.user.username == "quiet"
    assert found.posts == []


async def test_an_unknown_id_is_user_not_found(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")

    with pytest.raises(UserNotFound):
        await GetUserWithPosts(memory.users).execute(alice.id + 1, viewer=actor(alice))


async def test_drafts_are_listed_for_their_author_and_superusers_only(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    root = await register(memory, hasher, clock, "root", is_superuser=True)
    await write(store, alice.id, "draft", clock, published=False)

    for viewer, titles in (
        (actor(alice), ["Welcome alice!", "draft"]),
        (actor(root), ["Welcome alice!", "draft"]),
        (actor(bob), ["Welcome alice!"]),
        (None, ["Welcome alice!"]),
    ):
        found = await GetUserWithPosts(memory.users).execute(alice.id, viewer=viewer)
        assert [p.title for p in found.posts] == titles, viewer
