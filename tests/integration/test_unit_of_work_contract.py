"""The UnitOfWork contract, run against every adapter: memory, SQLite, PostgreSQL."""

from __future__ import annotations

import pytest

from application.errors import EmailOrUsernameTaken, UnitOfWorkMisuse
from application.queries import Page
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from domain.users import User
from tests.conftest import SUPERUSER_VIEWER, Backend
from tests.fakes import ManualClock

PAGE = Page(skip=0, limit=100)


def a_user(clock: ManualClock, name: str = "alice") -> User:
    return User.register(
        email=f"{name}@example.com", username=name, hashed_password="x", full_name=None, now=clock.now()
    )


class Boom(Exception):
    pass


async def test_commit_makes_the_work_visible(backend: Backend, clock: ManualClock) -> None:
    async with backend.uow() as uow:
        user = a_user(clock)
        await uow.users.add(user)
        await uow.commit()
    assert uow.committed
    assert user.id is not None
    assert await backend.users.get(user.id) is not None


async def test_rolls_back_uncommitted_work_by_default(backend: Backend, clock: ManualClock) -> None:
    async with backend.uow() as uow:
        user = a_user(clock)
        await uow.users.add(user)
    assert not uow.committed
    assert user.id is not None
    assert await backend.users.get(user.id) is None


async def test_rolls_back_and_reraises_on_error(backend: Backend, clock: ManualClock) -> None:
    user = a_user(clock)
    with pytest.raises(Boom):
        async with backend.uow() as uow:
            await uow.users.add(user)
            raise Boom
    assert user.id is not None
    assert await backend.users.get(user.id) is None


async def test_refuses_to_be_entered_twice(backend: Backend) -> None:
    uow = backend.uow()
    async with uow:
        with pytest.raises(UnitOfWorkMisuse):
            await uow.__aenter__()
    with pytest.raises(UnitOfWorkMisuse):
        async with uow:
            pass


async def test_refuses_work_after_commit(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.commit()
        with pytest.raises(UnitOfWorkMisuse):
            await uow.commit()
        with pytest.raises(UnitOfWorkMisuse):
            uow.savepoint()


async def test_savepoint_undoes_only_its_part(backend: Backend, clock: ManualClock) -> None:
    kept, dropped = a_user(clock, "kept"), a_user(clock, "dropped")
    async with backend.uow() as uow:
        await uow.users.add(kept)
        with pytest.raises(Boom):
            async with uow.savepoint():
                await uow.users.add(dropped)
                raise Boom
        await uow.commit()
    assert kept.id is not None and dropped.id is not None
    assert await backend.users.get(kept.id) is not None
    assert await backend.users.get(dropped.id) is None


async def test_savepoint_survives_a_constraint_violation(backend: Backend, clock: ManualClock) -> None:
    """The outer transaction stays usable after a unique violation inside a savepoint,
    on PostgreSQL too, where a failed statement otherwise aborts the transaction."""
    first, duplicate, after = a_user(clock, "first"), a_user(clock, "first"), a_user(clock, "after")
    async with backend.uow() as uow:
        await uow.users.add(first)
        with pytest.raises(EmailOrUsernameTaken):
            async with uow.savepoint():
                await uow.users.add(duplicate)
        await uow.users.add(after)
        await uow.commit()
    names = [u.username for u in await backend.users.search("@example.com", PAGE)]
    assert names == ["first", "after"]


async def test_successful_savepoint_is_kept(backend: Backend, clock: ManualClock) -> None:
    user = a_user(clock)
    async with backend.uow() as uow:
        async with uow.savepoint():
            await uow.users.add(user)
        await uow.commit()
    assert user.id is not None
    assert await backend.users.get(user.id) is not None


async def test_unique_violation_at_commit_saves_nothing(backend: Backend, clock: ManualClock) -> None:
    alice, bob = a_user(clock, "alice"), a_user(clock, "bob")
    async with backend.uow() as uow:
        await uow.users.add(alice)
        await uow.users.add(bob)
        await uow.commit()
    assert bob.id is not None
    with pytest.raises(EmailOrUsernameTaken):
        async with backend.uow() as uow:
            loaded = await uow.users.get(bob.id)
            assert loaded is not None
            loaded.change_email("ALICE@example.com", clock.now())
            loaded.change_full_name("Bob changed", clock.now())
            bob.change_full_name("Bob changed", clock.now())
            await uow.commit()
    assert [u.full_name for u in await backend.users.list_page(PAGE, active_only=False)] == [None, None]


async def test_changes_after_the_unit_of_work_ended_are_not_saved(backend: Backend, clock: ManualClock) -> None:
    user = a_user(clock)
    async with backend.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    user.change_full_name("too late", clock.now())
    assert user.id is not None
    stored = await backend.users.get(user.id)
    assert stored is not None
    assert stored.full_name is None


async def test_cascade_deletes_posts_with_their_author(backend: Backend, clock: ManualClock) -> None:
    user = a_user(clock)
    async with backend.uow() as uow:
        await uow.users.add(user)
        assert user.id is not None
        await uow.posts.add(Post.write(author_id=user.id, title="t", content="c", published=False, now=clock.now()))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.users.delete(user.id)
        assert not await uow.users.delete(user.id), "a second delete removes nothing"
        await uow.commit()
    assert await backend.users.get_with_posts(user.id, viewer=SUPERUSER_VIEWER) is None


async def test_savepoint_undoes_comments_and_follows_too(backend: Backend, clock: ManualClock) -> None:
    ann, bob = a_user(clock, "ann"), a_user(clock, "bob")
    async with backend.uow() as uow:
        await uow.users.add(ann)
        await uow.users.add(bob)
        assert ann.id is not None and bob.id is not None
        post = Post.write(author_id=ann.id, title="t", content="c", published=True, now=clock.now())
        await uow.posts.add(post)
        assert post.id is not None
        with pytest.raises(Boom):
            async with uow.savepoint():
                await uow.comments.add(Comment.write(post_id=post.id, author_id=bob.id, content="x", now=clock.now()))
                await uow.follows.add(Follow.link(follower_id=bob.id, followee_id=ann.id, now=clock.now()))
                raise Boom
        await uow.commit()
    assert await backend.posts.comments(post.id, PAGE, viewer=None) == []
    assert await backend.users.followers(ann.id, PAGE) == []


async def test_a_conflicting_change_is_reported_even_when_a_query_runs_before_commit(
    backend: Backend, clock: ManualClock
) -> None:
    """Found by the stateful fidelity test: a token deletion after a username change used to
    autoflush the change and raise the raw IntegrityError on SQL backends."""
    ann, bob = a_user(clock, "ann"), a_user(clock, "bob")
    async with backend.uow() as uow:
        await uow.users.add(ann)
        await uow.users.add(bob)
        await uow.commit()
    assert bob.id is not None
    with pytest.raises(EmailOrUsernameTaken):
        async with backend.uow() as uow:
            loaded = await uow.users.get(bob.id)
            assert loaded is not None
            loaded.change_username("ann", clock.now())
            await uow.tokens.delete_for_users([bob.id])
            await uow.commit()
