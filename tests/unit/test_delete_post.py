"""DeletePost: the author or a superuser removes a post, and its comments go with it."""

from __future__ import annotations

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Actor
from application.errors import PermissionDenied, PostNotFound
from application.use_cases.delete_post import DeletePost, DeletePostCommand
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import actor, comment_on, write_post
from tests.unit.support import UnitsOfWork, register, rows


async def test_the_author_deleting_a_post_removes_it_with_its_comments_and_nothing_else(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    doomed = await write_post(memory, clock, alice, "Doomed", published=True)
    kept = await write_post(memory, clock, alice, "Kept", published=True)
    await comment_on(memory, clock, bob, doomed.id, "on the doomed post")
    await comment_on(memory, clock, alice, doomed.id, "the author's own")
    kept_comment = await comment_on(memory, clock, bob, kept.id, "on the kept post")
    before = rows(store)

    await DeletePost(uows).execute(DeletePostCommand(actor=actor(alice), post_id=doomed.id))

    assert [uow.committed for uow in uows.made] == [True]
    after = rows(store)
    assert doomed.id not in after["posts"]
    assert kept.id in after["posts"]
    assert list(after["comments"]) == [kept_comment.id]
    expected = before | {
        "posts": {k: v for k, v in before["posts"].items() if k != doomed.id},
        "comments": {kept_comment.id: before["comments"][kept_comment.id]},
    }
    assert after == expected


async def test_a_superuser_may_delete_another_users_post(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    post = await write_post(memory, clock, alice, "Spam")
    await comment_on(memory, clock, admin, post.id, "Removing this")

    await DeletePost(memory.uow).execute(DeletePostCommand(actor=actor(admin), post_id=post.id))

    assert post.id not in store.committed.posts
    assert store.committed.comments == {}


async def test_another_ordinary_user_is_denied_and_the_post_and_its_comments_stay(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    post = await write_post(memory, clock, alice, "Alice's", published=True)
    await comment_on(memory, clock, bob, post.id, "Bob was here")
    before = rows(store)

    with pytest.raises(PermissionDenied):
        await DeletePost(uows).execute(DeletePostCommand(actor=actor(bob), post_id=post.id))

    assert rows(store) == before
    assert [uow.committed for uow in uows.made] == [False]


async def test_someone_elses_draft_is_post_not_found_rather_than_denied_and_it_stays_with_its_comments(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    draft = await write_post(memory, clock, alice, "Draft", published=False)
    await comment_on(memory, clock, alice, draft.id, "note to self")
    before = rows(store)

    # Another user, and a superuser's id without the superuser flag: to both, the draft does not exist.
    for caller in (actor(bob), Actor(id=admin.id, is_superuser=False)):
        with pytest.raises(PostNotFound):
            await DeletePost(uows).execute(DeletePostCommand(actor=caller, post_id=draft.id))

    assert rows(store) == before
    assert [uow.committed for uow in uows.made] == [False, False]


async def test_the_author_and_a_superuser_may_delete_a_draft_with_its_comments(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    own = await write_post(memory, clock, alice, "Own draft", published=False)
    moderated = await write_post(memory, clock, alice, "Moderated draft", published=False)
    await comment_on(memory, clock, alice, own.id, "note to self")
    await comment_on(memory, clock, admin, moderated.id, "removing this")
    before = rows(store)

    await DeletePost(memory.uow).execute(DeletePostCommand(actor=actor(alice), post_id=own.id))
    await DeletePost(memory.uow).execute(DeletePostCommand(actor=actor(admin), post_id=moderated.id))

    assert rows(store) == before | {
        "posts": {k: v for k, v in before["posts"].items() if k not in {own.id, moderated.id}},
        "comments": {},
    }


async def test_an_unknown_post_is_post_not_found_and_nothing_changes(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    post = await write_post(memory, clock, admin, "Exists")
    before = rows(store)

    with pytest.raises(PostNotFound):
        await DeletePost(memory.uow).execute(DeletePostCommand(actor=actor(admin), post_id=post.id + 100))

    assert rows(store) == before


async def test_deleting_the_same_post_twice_is_post_not_found_the_second_time(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Once")
    command = DeletePostCommand(actor=actor(alice), post_id=post.id)
    await DeletePost(memory.uow).execute(command)
    before = rows(store)

    with pytest.raises(PostNotFound):
        await DeletePost(memory.uow).execute(command)

    assert rows(store) == before
