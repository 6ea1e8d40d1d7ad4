"""AddComment: the caller comments on a post that exists for them (someone else's draft does not)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Actor
from application.errors import PostNotFound
from application.use_cases.add_comment import AddComment, AddCommentCommand
from application.views import CommentDTO
from domain.errors import InvalidValue
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import actor, write_post
from tests.unit.support import UnitsOfWork, register, rows


async def test_the_comment_is_stored_on_the_post_with_the_caller_as_author_at_the_clock_time(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    post = await write_post(memory, clock, alice, "Alice's", published=True)
    clock.advance(timedelta(minutes=7))

    added = await AddComment(uows, clock).execute(
        AddCommentCommand(actor=actor(bob), post_id=post.id, content="Well said")
    )

    assert [uow.committed for uow in uows.made] == [True]
    assert rows(store)["comments"] == {
        added.id: {
            "id": added.id,
            "post_id": post.id,
            "author_id": bob.id,
            "content": "Well said",
            "created_at": clock.now(),
        }
    }
    assert added == CommentDTO(
        id=added.id, post_id=post.id, author_id=bob.id, content="Well said", created_at=clock.now()
    )


async def test_adding_a_comment_leaves_the_post_and_everything_else_as_it_was(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Alice's")
    before = rows(store)
    clock.advance(timedelta(minutes=1))

    added = await AddComment(memory.uow, clock).execute(
        AddCommentCommand(actor=actor(alice), post_id=post.id, content="Replying to myself")
    )

    after = rows(store)
    assert after.pop("comments").keys() == {added.id}
    before.pop("comments")
    assert after == before


async def test_each_comment_is_kept_with_its_own_id(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    post = await write_post(memory, clock, alice, "Alice's", published=True)
    add = AddComment(memory.uow, clock)

    first = await add.execute(AddCommentCommand(actor=actor(bob), post_id=post.id, content="first"))
    second = await add.execute(AddCommentCommand(actor=actor(bob), post_id=post.id, content="first"))

    assert first.id != second.id
    assert {c.id: c.content for c in store.committed.comments.values()} == {first.id: "first", second.id: "first"}


async def test_a_comment_of_10000_characters_is_stored_whole(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Alice's")

    added = await AddComment(memory.uow, clock).execute(
        AddCommentCommand(actor=actor(alice), post_id=post.id, content="c" * 10_000)
    )

    assert len(store.committed.comments[added.id].content) == 10_000


async def test_a_comment_on_a_missing_post_is_post_not_found_and_nothing_is_written(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Exists")
    before = rows(store)

    with pytest.raises(PostNotFound):
        await AddComment(uows, clock).execute(
            AddCommentCommand(actor=actor(alice), post_id=post.id + 100, content="Into the void")
        )

    assert rows(store) == before
    assert not any(uow.committed for uow in uows.made)


async def test_a_comment_on_someone_elses_draft_is_post_not_found_and_nothing_is_written(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    draft = await write_post(memory, clock, alice, "Draft", published=False)
    before = rows(store)

    # Another user, and a superuser's id without the superuser flag: to both, the draft does not exist.
    for caller in (actor(bob), Actor(id=admin.id, is_superuser=False)):
        with pytest.raises(PostNotFound):
            await AddComment(uows, clock).execute(
                AddCommentCommand(actor=caller, post_id=draft.id, content="Let me in")
            )

    assert rows(store) == before
    assert [uow.committed for uow in uows.made] == [False, False]


async def test_the_author_and_a_superuser_may_comment_on_a_draft(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    draft = await write_post(memory, clock, alice, "Draft", published=False)
    add = AddComment(memory.uow, clock)

    by_author = await add.execute(AddCommentCommand(actor=actor(alice), post_id=draft.id, content="note to self"))
    by_admin = await add.execute(AddCommentCommand(actor=actor(admin), post_id=draft.id, content="reviewed"))

    assert {c.id: (c.post_id, c.author_id, c.content) for c in store.committed.comments.values()} == {
        by_author.id: (draft.id, alice.id, "note to self"),
        by_admin.id: (draft.id, admin.id, "reviewed"),
    }
    assert store.committed.posts[draft.id].published is False


@pytest.mark.parametrize("content", ["", "c" * (10_001), "nul \x00", "lone \ud800"])
async def test_a_comment_breaking_a_rule_is_refused_naming_the_content_and_nothing_is_written(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock, content: str
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    post = await write_post(memory, clock, alice, "Alice's")
    before = rows(store)

    with pytest.raises(InvalidValue) as raised:
        await AddComment(memory.uow, clock).execute(
            AddCommentCommand(actor=actor(alice), post_id=post.id, content=content)
        )

    assert raised.value.field == "content"
    assert rows(store) == before
