"""CreatePost: a post written by the caller, stored in one committed unit of work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Actor
from application.use_cases.create_post import CreatePost, CreatePostCommand
from domain.errors import InvalidValue
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import actor
from tests.unit.support import UnitsOfWork, register, rows


async def test_the_post_is_stored_with_the_caller_as_author_and_the_clock_time_in_both_timestamps(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    clock.advance(timedelta(minutes=5))

    created = await CreatePost(uows, clock).execute(
        CreatePostCommand(actor=actor(alice), title="Hello", content="World", published=True)
    )

    assert [uow.committed for uow in uows.made] == [True]
    stored = store.committed.posts[created.id]
    assert (stored.author_id, stored.title, stored.content, stored.published) == (alice.id, "Hello", "World", True)
    assert stored.created_at == stored.updated_at == clock.now()
    assert (created.author_id, created.title, created.content, created.published) == (
        alice.id,
        "Hello",
        "World",
        True,
    )
    assert created.created_at == created.updated_at == clock.now()


async def test_a_post_is_a_draft_unless_published_is_asked_for(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")

    created = await CreatePost(memory.uow, clock).execute(
        CreatePostCommand(actor=actor(alice), title="Draft", content="Not yet")
    )

    assert created.published is False
    assert store.committed.posts[created.id].published is False


async def test_a_superuser_writing_a_post_is_its_author_too(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    await register(memory, hasher, clock, "alice")
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)

    created = await CreatePost(memory.uow, clock).execute(
        CreatePostCommand(actor=Actor(id=admin.id, is_superuser=True), title="News", content="From the admin")
    )

    assert store.committed.posts[created.id].author_id == admin.id


async def test_each_new_post_gets_its_own_id_and_earlier_posts_stay_as_they_were(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    create = CreatePost(memory.uow, clock)
    first = await create.execute(CreatePostCommand(actor=actor(alice), title="One", content="1"))
    before = rows(store)["posts"]

    second = await create.execute(CreatePostCommand(actor=actor(alice), title="Two", content="2"))

    assert second.id != first.id
    posts = rows(store)["posts"]
    assert {k: v for k, v in posts.items() if k != second.id} == before
    assert posts[second.id]["title"] == "Two"


async def test_a_title_of_255_and_content_of_100000_characters_are_stored_whole(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")

    created = await CreatePost(memory.uow, clock).execute(
        CreatePostCommand(actor=actor(alice), title="t" * 255, content="c" * 100_000)
    )

    stored = store.committed.posts[created.id]
    assert (len(stored.title), len(stored.content)) == (255, 100_000)


@pytest.mark.parametrize(
    ("title", "content", "field"),
    [
        ("", "content", "title"),
        ("t" * (256), "content", "title"),
        ("nul \x00 byte", "content", "title"),
        ("title", "", "content"),
        ("title", "c" * (100_001), "content"),
        ("title", "lone \udc00 surrogate", "content"),
    ],
)
async def test_a_post_breaking_a_rule_is_refused_naming_the_field_and_nothing_is_written(
    memory: Backend,
    store: InMemoryStore,
    hasher: Argon2PasswordHasher,
    clock: ManualClock,
    title: str,
    content: str,
    field: str,
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    before = rows(store)

    with pytest.raises(InvalidValue) as raised:
        await CreatePost(memory.uow, clock).execute(CreatePostCommand(actor=actor(alice), title=title, content=content))

    assert raised.value.field == field
    assert rows(store) == before
