"""InMemoryUnitOfWork keeps the UnitOfWork contract: one ``async with``, one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.readers import InMemoryCredentialsReader, InMemoryUserReader
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from application.errors import EmailOrUsernameTaken, UnitOfWorkMisuse
from application.queries import Page
from domain.posts import Post
from domain.tokens import AccessToken
from domain.users import User
from tests.unit.support import rows

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class Boom(Exception):
    """An error raised on purpose inside a unit of work."""


def new_user(name: str) -> User:
    return User.register(email=f"{name}@example.com", username=name, hashed_password="h", full_name=None, now=T0)


def new_token(user_id: int, token_hash: str) -> AccessToken:
    return AccessToken(token_hash=token_hash, user_id=user_id, created_at=T0, expires_at=T0 + timedelta(hours=1))


async def committed_user(store: InMemoryStore, name: str) -> int:
    """A user, with a post and a token, already committed; returns the user's id."""
    async with InMemoryUnitOfWork(store) as uow:
        user = new_user(name)
        await uow.users.add(user)
        assert user.id is not None
        await uow.posts.add(Post.welcome(author_id=user.id, username=name, now=T0))
        await uow.tokens.add(new_token(user.id, f"hash-of-{name}"))
        await uow.commit()
    return user.id


async def test_leaving_without_commit_rolls_the_work_back(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    async with uow:
        await uow.users.add(new_user("alice"))

    assert store.committed.users == {}
    assert uow.committed is False


async def test_commit_publishes_the_work_to_readers(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    async with uow:
        user = new_user("alice")
        await uow.users.add(user)
        assert user.id is not None
        await uow.commit()

    assert uow.committed is True
    found = await InMemoryUserReader(store).get(user.id)
    assert found is not None
    assert found.username == "alice"


async def test_an_exception_inside_rolls_back_and_propagates(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)

    with pytest.raises(Boom):
        async with uow:
            await uow.users.add(new_user("alice"))
            raise Boom

    assert store.committed.users == {}
    assert uow.committed is False


async def test_an_exception_after_commit_still_propagates_and_keeps_the_commit(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)

    with pytest.raises(Boom):
        async with uow:
            await uow.users.add(new_user("alice"))
            await uow.commit()
            raise Boom

    assert [u.username for u in store.committed.users.values()] == ["alice"]


async def test_a_changed_entity_is_saved_on_commit(store: InMemoryStore) -> None:
    user_id = await committed_user(store, "alice")

    async with InMemoryUnitOfWork(store) as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        user.change_full_name("Alice", T0 + timedelta(minutes=1))
        await uow.commit()

    assert store.committed.users[user_id].full_name == "Alice"


async def test_a_uniqueness_conflict_at_commit_raises_and_saves_nothing(store: InMemoryStore) -> None:
    await committed_user(store, "alice")
    bob_id = await committed_user(store, "bob")
    before = rows(store)
    uow = InMemoryUnitOfWork(store)

    with pytest.raises(EmailOrUsernameTaken):
        async with uow:
            await uow.users.add(new_user("carol"))
            bob = await uow.users.get(bob_id)
            assert bob is not None
            bob.change_email("ALICE@example.com", T0 + timedelta(minutes=1))
            await uow.commit()

    assert uow.committed is False
    assert rows(store) == before


async def test_adding_a_user_whose_email_differs_only_in_case_is_a_conflict(store: InMemoryStore) -> None:
    await committed_user(store, "alice")

    async with InMemoryUnitOfWork(store) as uow:
        with pytest.raises(EmailOrUsernameTaken):
            await uow.users.add(
                User.register(email="Alice@Example.COM", username="other", hashed_password="h", full_name=None, now=T0)
            )


async def test_deleting_a_user_deletes_their_posts_and_tokens_on_commit(store: InMemoryStore) -> None:
    alice_id = await committed_user(store, "alice")
    bob_id = await committed_user(store, "bob")

    async with InMemoryUnitOfWork(store) as uow:
        assert await uow.users.delete(alice_id)
        await uow.commit()

    assert list(store.committed.users) == [bob_id]
    assert {p.author_id for p in store.committed.posts.values()} == {bob_id}
    assert {t.user_id for t in store.committed.tokens.values()} == {bob_id}


async def test_ids_are_not_handed_out_again_after_a_rollback(store: InMemoryStore) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        discarded = new_user("alice")
        await uow.users.add(discarded)

    async with InMemoryUnitOfWork(store) as uow:
        kept = new_user("alice")
        await uow.users.add(kept)
        await uow.commit()

    assert discarded.id is not None
    assert kept.id is not None
    assert kept.id != discarded.id


async def test_entering_the_same_unit_twice_one_after_the_other_is_misuse(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    async with uow:
        await uow.commit()

    with pytest.raises(UnitOfWorkMisuse):
        async with uow:
            pass


async def test_entering_a_unit_again_while_it_is_open_is_misuse(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    async with uow:
        with pytest.raises(UnitOfWorkMisuse):
            async with uow:
                pass
        await uow.users.add(new_user("alice"))
        await uow.commit()

    assert len(store.committed.users) == 1


async def test_commit_after_commit_is_misuse(store: InMemoryStore) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        await uow.commit()
        with pytest.raises(UnitOfWorkMisuse):
            await uow.commit()


async def test_commit_after_the_block_ended_is_misuse(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    async with uow:
        await uow.users.add(new_user("alice"))

    with pytest.raises(UnitOfWorkMisuse):
        await uow.commit()
    assert store.committed.users == {}


async def test_commit_before_entering_is_misuse(store: InMemoryStore) -> None:
    with pytest.raises(UnitOfWorkMisuse):
        await InMemoryUnitOfWork(store).commit()


async def test_a_savepoint_after_commit_is_misuse(store: InMemoryStore) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        await uow.commit()
        with pytest.raises(UnitOfWorkMisuse):
            uow.savepoint()


RepositoryUse = Callable[[InMemoryUnitOfWork], Awaitable[object]]
REPOSITORY_USES: dict[str, RepositoryUse] = {
    "users.get": lambda uow: uow.users.get(1),
    "users.add": lambda uow: uow.users.add(new_user("bob")),
    "posts.add": lambda uow: uow.posts.add(Post.welcome(author_id=1, username="alice", now=T0)),
    "tokens.add": lambda uow: uow.tokens.add(new_token(1, "late-token")),
    "tokens.delete_for_users": lambda uow: uow.tokens.delete_for_users([1]),
}


@pytest.mark.parametrize("use", REPOSITORY_USES.values(), ids=REPOSITORY_USES.keys())
async def test_using_a_repository_after_commit_is_misuse_and_changes_nothing(
    store: InMemoryStore, use: RepositoryUse
) -> None:
    await committed_user(store, "alice")
    uow = InMemoryUnitOfWork(store)
    async with uow:
        await uow.commit()
        before = rows(store)

        with pytest.raises(UnitOfWorkMisuse):
            await use(uow)

    assert rows(store) == before


async def test_using_a_repository_after_the_block_ended_is_misuse(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    async with uow:
        pass

    with pytest.raises(UnitOfWorkMisuse):
        await uow.users.add(new_user("alice"))


async def test_a_failed_savepoint_undoes_only_its_own_part(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    async with uow:
        await uow.users.add(new_user("alice"))
        with pytest.raises(Boom):
            async with uow.savepoint():
                bob = new_user("bob")
                await uow.users.add(bob)
                assert bob.id is not None
                await uow.posts.add(Post.welcome(author_id=bob.id, username="bob", now=T0))
                raise Boom
        await uow.commit()

    assert [u.username for u in store.committed.users.values()] == ["alice"]
    assert store.committed.posts == {}
    assert uow.committed is True


async def test_a_successful_savepoint_keeps_its_part(store: InMemoryStore) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        await uow.users.add(new_user("alice"))
        async with uow.savepoint():
            await uow.users.add(new_user("bob"))
        await uow.commit()

    assert sorted(u.username for u in store.committed.users.values()) == ["alice", "bob"]


async def test_the_unit_stays_usable_after_a_failed_savepoint(store: InMemoryStore) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        with pytest.raises(Boom):
            async with uow.savepoint():
                await uow.users.add(new_user("alice"))
                raise Boom
        async with uow.savepoint():
            await uow.users.add(new_user("alice"))
        await uow.commit()

    assert [u.username for u in store.committed.users.values()] == ["alice"]


async def test_an_entity_changed_in_a_failed_savepoint_gets_its_previous_values_back(store: InMemoryStore) -> None:
    user_id = await committed_user(store, "alice")

    async with InMemoryUnitOfWork(store) as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        user.change_full_name("Kept", T0 + timedelta(minutes=1))
        with pytest.raises(Boom):
            async with uow.savepoint():
                user.change_email("changed@example.com", T0 + timedelta(minutes=2))
                user.change_full_name("Discarded", T0 + timedelta(minutes=2))
                user.set_active(False, T0 + timedelta(minutes=2))
                raise Boom

        assert (user.email, user.full_name, user.is_active) == ("alice@example.com", "Kept", True)
        assert user.updated_at == T0 + timedelta(minutes=1)
        await uow.commit()

    saved = store.committed.users[user_id]
    assert (saved.email, saved.full_name, saved.is_active) == ("alice@example.com", "Kept", True)


async def test_a_delete_in_a_failed_savepoint_is_undone_with_its_cascade(store: InMemoryStore) -> None:
    user_id = await committed_user(store, "alice")
    before = rows(store)

    async with InMemoryUnitOfWork(store) as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        with pytest.raises(Boom):
            async with uow.savepoint():
                await uow.users.delete(user_id)
                await uow.tokens.delete_for_users([user_id])
                raise Boom
        assert await uow.users.get(user_id) is user
        await uow.commit()

    assert rows(store) == before


async def test_an_inner_failed_savepoint_leaves_the_outer_savepoint_intact(store: InMemoryStore) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        async with uow.savepoint():
            await uow.users.add(new_user("alice"))
            with pytest.raises(Boom):
                async with uow.savepoint():
                    await uow.users.add(new_user("bob"))
                    raise Boom
        await uow.commit()

    assert [u.username for u in store.committed.users.values()] == ["alice"]


async def test_readers_never_see_the_changes_of_an_open_unit_of_work(store: InMemoryStore) -> None:
    alice_id = await committed_user(store, "alice")
    users, credentials = InMemoryUserReader(store), InMemoryCredentialsReader(store)
    before = rows(store)

    async with InMemoryUnitOfWork(store) as uow:
        alice = await uow.users.get(alice_id)
        assert alice is not None
        alice.change_email("renamed@example.com", T0 + timedelta(minutes=1))
        alice.set_active(False, T0 + timedelta(minutes=1))
        bob = new_user("bob")
        await uow.users.add(bob)
        assert bob.id is not None
        await uow.tokens.delete_for_users([alice_id])

        assert await users.get(bob.id) is None
        seen = await users.get(alice_id)
        assert seen is not None
        assert (seen.email, seen.is_active) == ("alice@example.com", True)
        assert [u.username for u in await users.list_page(Page(), active_only=False)] == ["alice"]
        assert await users.search("renamed", Page()) == []
        assert await credentials.find_credentials("renamed@example.com") is None
        assert await credentials.find_credentials("bob") is None
        assert await credentials.user_for_token("hash-of-alice", T0) is not None
        assert rows(store) == before
        await uow.commit()

    assert await users.get(bob.id) is not None


async def test_changing_an_entity_after_its_unit_of_work_committed_changes_nothing_readers_see(
    store: InMemoryStore,
) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        user = new_user("alice")
        await uow.users.add(user)
        await uow.commit()
    assert user.id is not None

    user.change_full_name("Changed outside any unit of work", T0 + timedelta(minutes=1))

    seen = await InMemoryUserReader(store).get(user.id)
    assert seen is not None
    assert seen.full_name is None


async def test_two_units_of_work_run_one_after_the_other_not_interleaved(store: InMemoryStore) -> None:
    events: list[str] = []
    first_entered = asyncio.Event()
    let_first_finish = asyncio.Event()

    async def first() -> None:
        async with InMemoryUnitOfWork(store) as uow:
            events.append("first entered")
            first_entered.set()
            await let_first_finish.wait()
            await uow.users.add(new_user("alice"))
            await uow.commit()
            events.append("first committed")

    async def second() -> None:
        await first_entered.wait()
        async with InMemoryUnitOfWork(store) as uow:
            events.append("second entered")
            await uow.users.add(new_user("bob"))
            await uow.commit()
            events.append("second committed")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_entered.wait()
    for _ in range(20):
        await asyncio.sleep(0)
    assert events == ["first entered"]

    let_first_finish.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=2)

    assert events == ["first entered", "first committed", "second entered", "second committed"]
    assert sorted(u.username for u in store.committed.users.values()) == ["alice", "bob"]


async def test_concurrent_read_modify_write_units_lose_no_update(store: InMemoryStore) -> None:
    user_id = await committed_user(store, "alice")

    async def append(mark: str) -> None:
        async with InMemoryUnitOfWork(store) as uow:
            user = await uow.users.get(user_id)
            assert user is not None
            current = user.full_name or ""
            await asyncio.sleep(0)
            user.change_full_name(current + mark, T0)
            await uow.commit()

    await asyncio.wait_for(asyncio.gather(*(append(mark) for mark in "abcde")), timeout=2)

    full_name = store.committed.users[user_id].full_name
    assert full_name is not None
    assert sorted(full_name) == list("abcde")


async def test_a_failed_unit_of_work_lets_the_next_one_in(store: InMemoryStore) -> None:
    with pytest.raises(Boom):
        async with InMemoryUnitOfWork(store):
            raise Boom

    async def next_unit() -> None:
        async with InMemoryUnitOfWork(store) as uow:
            await uow.users.add(new_user("alice"))
            await uow.commit()

    await asyncio.wait_for(next_unit(), timeout=1)
    assert len(store.committed.users) == 1
