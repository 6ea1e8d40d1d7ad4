"""UpdatePost: the author or a superuser changes only the fields they give."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Actor
from application.errors import PermissionDenied, PostNotFound
from application.use_cases.update_post import UpdatePost, UpdatePostCommand
from application.views import PostDTO
from domain.errors import InvalidValue
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import actor, write_post
from tests.unit.support import UnitsOfWork, register, rows


def stored(store: InMemoryStore, post: PostDTO) -> dict[str, Any]:
    return rows(store)["posts"][post.id]


async def test_the_author_changing_the_title_changes_only_the_title_and_the_update_time(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Old title", content="Body")
    before = stored(store, post)
    clock.advance(timedelta(hours=1))

    updated = await UpdatePost(uows, clock).execute(
        UpdatePostCommand(actor=actor(alice), post_id=post.id, title="New title")
    )

    assert [uow.committed for uow in uows.made] == [True]
    assert stored(store, post) == before | {"title": "New title", "updated_at": clock.now()}
    assert updated == PostDTO.from_entity(store.committed.posts[post.id])
    assert updated.created_at == post.created_at != updated.updated_at


async def test_changing_only_the_content_leaves_title_and_published_state_alone(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Title", content="Before", published=True)
    before = stored(store, post)
    clock.advance(timedelta(minutes=3))

    await UpdatePost(memory.uow, clock).execute(UpdatePostCommand(actor=actor(alice), post_id=post.id, content="After"))

    assert stored(store, post) == before | {"content": "After", "updated_at": clock.now()}


async def test_every_field_may_change_at_once(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Title", content="Before")
    before = stored(store, post)
    clock.advance(timedelta(minutes=3))

    await UpdatePost(memory.uow, clock).execute(
        UpdatePostCommand(actor=actor(alice), post_id=post.id, title="T2", content="C2", published=True)
    )

    assert stored(store, post) == before | {
        "title": "T2",
        "content": "C2",
        "published": True,
        "updated_at": clock.now(),
    }


async def test_publishing_a_draft_makes_it_published_and_keeps_its_text(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    draft = await write_post(memory, clock, alice, "Draft", content="Text", published=False)
    before = stored(store, draft)
    clock.advance(timedelta(minutes=1))

    updated = await UpdatePost(memory.uow, clock).execute(
        UpdatePostCommand(actor=actor(alice), post_id=draft.id, published=True)
    )

    assert updated.published is True
    assert stored(store, draft) == before | {"published": True, "updated_at": clock.now()}


async def test_unpublishing_a_published_post_makes_it_a_draft_again(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Live", published=True)
    before = stored(store, post)
    clock.advance(timedelta(minutes=1))

    updated = await UpdatePost(memory.uow, clock).execute(
        UpdatePostCommand(actor=actor(alice), post_id=post.id, published=False)
    )

    assert updated.published is False
    assert stored(store, post) == before | {"published": False, "updated_at": clock.now()}


async def test_a_superuser_may_edit_another_users_post_and_the_author_stays_the_same(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    post = await write_post(memory, clock, alice, "Rude title")

    updated = await UpdatePost(memory.uow, clock).execute(
        UpdatePostCommand(actor=actor(admin), post_id=post.id, title="Moderated")
    )

    assert updated.author_id == alice.id
    assert stored(store, post)["title"] == "Moderated"
    assert stored(store, post)["author_id"] == alice.id


async def test_only_the_named_post_changes(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Target")
    await write_post(memory, clock, alice, "Bystander")
    before = rows(store)

    await UpdatePost(memory.uow, clock).execute(UpdatePostCommand(actor=actor(alice), post_id=post.id, title="Hit"))

    after = rows(store)
    assert after["posts"].pop(post.id)["title"] == "Hit"
    assert before["posts"].pop(post.id)["title"] == "Target"
    assert after == before


async def test_another_ordinary_user_is_denied_and_nothing_changes(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    post = await write_post(memory, clock, alice, "Alice's", published=True)
    before = rows(store)
    clock.advance(timedelta(minutes=1))

    with pytest.raises(PermissionDenied):
        await UpdatePost(uows, clock).execute(
            UpdatePostCommand(actor=actor(bob), post_id=post.id, title="Bob's now", published=False)
        )

    assert rows(store) == before
    assert [uow.committed for uow in uows.made] == [False]


async def test_rights_come_from_the_callers_superuser_flag_not_from_who_they_are(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    post = await write_post(memory, clock, alice, "Alice's", published=True)
    before = rows(store)

    with pytest.raises(PermissionDenied):
        await UpdatePost(memory.uow, clock).execute(
            UpdatePostCommand(actor=Actor(id=admin.id, is_superuser=False), post_id=post.id, title="x")
        )

    assert rows(store) == before


async def test_someone_elses_draft_is_post_not_found_rather_than_denied_and_nothing_changes(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    draft = await write_post(memory, clock, alice, "Draft", published=False)
    before = rows(store)
    clock.advance(timedelta(minutes=1))

    # Another user, and a superuser's id without the superuser flag: to both, the draft does not exist.
    for caller in (actor(bob), Actor(id=admin.id, is_superuser=False)):
        with pytest.raises(PostNotFound):
            await UpdatePost(uows, clock).execute(
                UpdatePostCommand(actor=caller, post_id=draft.id, title="Mine now", published=True)
            )

    assert rows(store) == before
    assert [uow.committed for uow in uows.made] == [False, False]


async def test_the_author_and_a_superuser_may_edit_a_draft_and_it_stays_a_draft_of_its_author(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    draft = await write_post(memory, clock, alice, "Draft", content="Text", published=False)
    before = stored(store, draft)
    clock.advance(timedelta(minutes=1))

    by_author = await UpdatePost(memory.uow, clock).execute(
        UpdatePostCommand(actor=actor(alice), post_id=draft.id, title="Still a draft")
    )

    assert stored(store, draft) == before | {"title": "Still a draft", "updated_at": clock.now()}
    assert by_author == PostDTO.from_entity(store.committed.posts[draft.id])
    clock.advance(timedelta(minutes=1))

    by_admin = await UpdatePost(memory.uow, clock).execute(
        UpdatePostCommand(actor=actor(admin), post_id=draft.id, content="Moderated")
    )

    assert stored(store, draft) == before | {
        "title": "Still a draft",
        "content": "Moderated",
        "updated_at": clock.now(),
    }
    assert by_admin == PostDTO.from_entity(store.committed.posts[draft.id])
    assert (by_admin.published, by_admin.author_id) == (False, alice.id)


async def test_an_unknown_post_is_post_not_found_and_nothing_changes(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    post = await write_post(memory, clock, admin, "Exists")
    before = rows(store)

    with pytest.raises(PostNotFound):
        await UpdatePost(memory.uow, clock).execute(
            UpdatePostCommand(actor=actor(admin), post_id=post.id + 100, title="x")
        )

    assert rows(store) == before


async def test_an_unknown_post_is_post_not_found_even_for_a_caller_who_could_not_edit_it(
    memory: Backend, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")

    with pytest.raises(PostNotFound):
        await UpdatePost(memory.uow, clock).execute(UpdatePostCommand(actor=actor(alice), post_id=10_000, title="x"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "t" * (256)}, "title"),
        ({"content": ""}, "content"),
        ({"content": "nul \x00"}, "content"),
        ({"title": "A fine new title", "content": "", "published": True}, "content"),
    ],
)
async def test_an_invalid_value_is_refused_naming_the_field_and_no_field_is_half_written(
    memory: Backend,
    store: InMemoryStore,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    changes: dict[str, Any],
    field: str,
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Title", content="Content")
    before = rows(store)
    clock.advance(timedelta(minutes=1))

    with pytest.raises(InvalidValue) as raised:
        await UpdatePost(memory.uow, clock).execute(UpdatePostCommand(actor=actor(alice), post_id=post.id, **changes))

    assert raised.value.field == field
    assert rows(store) == before
