"""DeleteUser and what a user leaves behind: their posts with every comment, tag and
favourite on them, their comments on other users' posts, their favourites and their follow
links both ways all go; nothing else does."""

from __future__ import annotations

from adapters.memory.store import InMemoryStore
from adapters.security.argon2 import Argon2PasswordHasher
from application.use_cases.delete_user import DeleteUser, DeleteUserCommand
from application.use_cases.get_post import GetPost
from application.use_cases.get_profile import GetProfile
from tests.conftest import Backend
from tests.fakes import ManualClock
from tests.unit.content_support import actor, comment_on, favorite, follow, links, write_post
from tests.unit.support import UnitsOfWork, register, rows


async def test_deleting_a_user_removes_their_posts_all_comments_on_them_their_comments_and_their_links(
    memory: Backend, store: InMemoryStore, uows: UnitsOfWork, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    carol = await register(memory, hasher, clock, "carol")
    alices_post = await write_post(memory, clock, alice, "Alice's", published=True, tags=("mine",))
    bobs_post = await write_post(memory, clock, bob, "Bob's", published=True, tags=("his",))
    await favorite(memory, clock, bob, alices_post.id)
    await favorite(memory, clock, alice, bobs_post.id)
    await favorite(memory, clock, carol, bobs_post.id)
    await comment_on(memory, clock, bob, alices_post.id, "bob on alice's post")
    await comment_on(memory, clock, alice, alices_post.id, "alice on her own post")
    await comment_on(memory, clock, alice, bobs_post.id, "alice on bob's post")
    kept_comment = await comment_on(memory, clock, carol, bobs_post.id, "carol on bob's post")
    await follow(memory, clock, alice, bob)
    await follow(memory, clock, carol, alice)
    await follow(memory, clock, bob, carol)
    before = rows(store)

    await DeleteUser(uows).execute(DeleteUserCommand(actor=actor(alice), user_id=alice.id))

    assert [uow.committed for uow in uows.made] == [True]
    after = rows(store)
    assert alice.id not in after["users"]
    assert {p["author_id"] for p in after["posts"].values()} == {bob.id, carol.id}
    assert list(after["comments"]) == [kept_comment.id]
    assert links(store) == {(bob.id, carol.id)}
    assert after == {
        "users": {k: v for k, v in before["users"].items() if k != alice.id},
        "posts": {k: v for k, v in before["posts"].items() if v["author_id"] != alice.id},
        "comments": {kept_comment.id: before["comments"][kept_comment.id]},
        "follows": {k: v for k, v in before["follows"].items() if k == (bob.id, carol.id)},
        "tokens": before["tokens"],
        "taggings": {bobs_post.id: before["taggings"][bobs_post.id]},
        "favorites": {(carol.id, bobs_post.id): before["favorites"][(carol.id, bobs_post.id)]},
    }


async def test_after_a_user_is_deleted_the_others_reads_no_longer_show_them(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    alice = await register(memory, hasher, clock, "alice")
    bob = await register(memory, hasher, clock, "bob")
    bobs_post = await write_post(memory, clock, bob, "Bob's", published=True)
    await comment_on(memory, clock, alice, bobs_post.id, "alice was here")
    bobs_comment = await comment_on(memory, clock, bob, bobs_post.id, "bob too")
    await follow(memory, clock, alice, bob)
    await follow(memory, clock, bob, alice)

    await DeleteUser(memory.uow).execute(DeleteUserCommand(actor=actor(alice), user_id=alice.id))

    profile = await GetProfile(memory.users).execute(bob.id, viewer=actor(bob))
    assert profile.followers == []
    assert profile.following == []
    assert (await GetPost(memory.posts).execute(bobs_post.id, viewer=actor(bob))).comments == [bobs_comment]


async def test_a_superuser_deleting_a_user_takes_the_same_things_along(
    memory: Backend, store: InMemoryStore, hasher: Argon2PasswordHasher, clock: ManualClock
) -> None:
    admin = await register(memory, hasher, clock, "admin", is_superuser=True)
    alice = await register(memory, hasher, clock, "alice")
    admins_post = await write_post(memory, clock, admin, "Rules", published=True)
    await comment_on(memory, clock, alice, admins_post.id, "ok")
    await follow(memory, clock, alice, admin)
    await follow(memory, clock, admin, alice)

    await DeleteUser(memory.uow).execute(DeleteUserCommand(actor=actor(admin), user_id=alice.id))

    assert list(store.committed.users) == [admin.id]
    assert {p.author_id for p in store.committed.posts.values()} == {admin.id}
    assert store.committed.comments == {}
    assert links(store) == set()
