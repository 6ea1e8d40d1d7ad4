"""Posts, comments and follows: repositories, readers and the use cases' transaction
rules, the same on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from application.auth import Actor
from application.errors import AlreadyFollowing
from application.queries import Page, PostFilter
from application.use_cases.delete_user import DeleteUser, DeleteUserCommand
from application.use_cases.follow_user import FollowUser, FollowUserCommand
from application.use_cases.unfollow_user import UnfollowUser, UnfollowUserCommand
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from tests.conftest import SUPERUSER_VIEWER, Backend, people
from tests.fakes import ManualClock

PAGE = Page(skip=0, limit=100)


async def write_post(
    backend: Backend, clock: ManualClock, author_id: int, title: str, *, published: bool = True
) -> int:
    async with backend.uow() as uow:
        post = Post.write(author_id=author_id, title=title, content="body", published=published, now=clock.now())
        await uow.posts.add(post)
        await uow.commit()
    assert post.id is not None
    return post.id


async def comment(backend: Backend, clock: ManualClock, post_id: int, author_id: int, text: str) -> None:
    async with backend.uow() as uow:
        await uow.comments.add(Comment.write(post_id=post_id, author_id=author_id, content=text, now=clock.now()))
        await uow.commit()


def actor(user_id: int) -> Actor:
    return Actor(id=user_id, is_superuser=False)


async def test_posts_list_filters_and_carries_authors(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob", full_names=True)
    await write_post(backend, clock, ann, "a1")
    await write_post(backend, clock, bob, "b1", published=False)
    await write_post(backend, clock, ann, "a2", published=False)

    async def titles(post_filter: PostFilter, page: Page = PAGE) -> list[str]:
        return [p.post.title for p in await backend.posts.list_page(page, post_filter, viewer=SUPERUSER_VIEWER)]

    assert await titles(PostFilter()) == ["a1", "b1", "a2"]
    assert await titles(PostFilter(author_id=ann)) == ["a1", "a2"]
    assert await titles(PostFilter(published=False)) == ["b1", "a2"]
    assert await titles(PostFilter(author_id=ann, published=True)) == ["a1"]
    assert await titles(PostFilter(), Page(skip=1, limit=1)) == ["b1"]
    listed = await backend.posts.list_page(PAGE, PostFilter(author_id=bob), viewer=SUPERUSER_VIEWER)
    assert (listed[0].author.id, listed[0].author.username, listed[0].author.full_name) == (bob, "bob", "Bob")


async def test_post_detail_has_author_and_comments_by_id(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob", full_names=True)
    post_id = await write_post(backend, clock, ann, "hello")
    for text in ("first", "second", "third"):
        await comment(backend, clock, post_id, bob, text)
    detail = await backend.posts.get_detail(post_id, viewer=None)
    assert detail is not None
    assert detail.author.username == "ann"
    assert [c.content for c in detail.comments] == ["first", "second", "third"]
    second_page = await backend.posts.comments(post_id, Page(skip=1, limit=1), viewer=None)
    assert [c.content for c in second_page or []] == ["second"]
    assert await backend.posts.get_detail(post_id + 1000, viewer=SUPERUSER_VIEWER) is None
    assert await backend.posts.comments(post_id + 1000, PAGE, viewer=SUPERUSER_VIEWER) is None


async def test_deleting_a_post_removes_its_comments(backend: Backend, clock: ManualClock) -> None:
    (ann,) = await people(backend.uow, clock, "ann", full_names=True)
    post_id = await write_post(backend, clock, ann, "doomed")
    await comment(backend, clock, post_id, ann, "bye")
    async with backend.uow() as uow:
        assert await uow.posts.delete(post_id)
        assert not await uow.posts.delete(post_id), "a second delete removes nothing"
        await uow.commit()
    assert await backend.posts.get_detail(post_id, viewer=SUPERUSER_VIEWER) is None
    assert await backend.posts.comments(post_id, PAGE, viewer=SUPERUSER_VIEWER) is None


async def test_a_second_identical_follow_is_refused_by_the_store(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob", full_names=True)
    async with backend.uow() as uow:
        await uow.follows.add(Follow.link(follower_id=ann, followee_id=bob, now=clock.now()))
        await uow.commit()
    with pytest.raises(AlreadyFollowing):
        async with backend.uow() as uow:
            await uow.follows.add(Follow.link(follower_id=ann, followee_id=bob, now=clock.now()))


async def test_following_twice_keeps_one_link_and_the_transaction_alive(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob", full_names=True)
    follow = FollowUser(backend.uow, clock)
    await follow.execute(FollowUserCommand(actor=actor(ann), user_id=bob))
    await follow.execute(FollowUserCommand(actor=actor(ann), user_id=bob))
    assert [u.username for u in await backend.users.followers(bob, PAGE) or []] == ["ann"]
    assert [u.username for u in await backend.users.following(ann, PAGE) or []] == ["bob"]


async def test_concurrent_identical_follows_make_one_link(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob", full_names=True)
    follow = FollowUser(backend.uow, clock)
    await asyncio.gather(*(follow.execute(FollowUserCommand(actor=actor(ann), user_id=bob)) for _ in range(5)))
    assert [u.id for u in await backend.users.followers(bob, PAGE) or []] == [ann]


async def test_unfollow_is_idempotent(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob", full_names=True)
    await FollowUser(backend.uow, clock).execute(FollowUserCommand(actor=actor(ann), user_id=bob))
    unfollow = UnfollowUser(backend.uow)
    await unfollow.execute(UnfollowUserCommand(actor=actor(ann), user_id=bob))
    await unfollow.execute(UnfollowUserCommand(actor=actor(ann), user_id=bob))
    assert await backend.users.followers(bob, PAGE) == []


async def test_follow_lists_are_ordered_by_id_and_paged(backend: Backend, clock: ManualClock) -> None:
    star, *fans = await people(backend.uow, clock, "star", "fan1", "fan2", "fan3", full_names=True)
    follow = FollowUser(backend.uow, clock)
    for fan in reversed(fans):
        await follow.execute(FollowUserCommand(actor=actor(fan), user_id=star))
    assert [u.id for u in await backend.users.followers(star, PAGE) or []] == fans
    assert [u.id for u in await backend.users.followers(star, Page(skip=1, limit=1)) or []] == fans[1:2]
    assert await backend.users.followers(star + 1000, PAGE) is None
    assert await backend.users.following(star + 1000, PAGE) is None


async def test_deleting_a_user_removes_posts_comments_and_links(backend: Backend, clock: ManualClock) -> None:
    ann, bob, cyd = await people(backend.uow, clock, "ann", "bob", "cyd", full_names=True)
    bobs_post = await write_post(backend, clock, bob, "bob's")
    await write_post(backend, clock, ann, "ann's")
    await comment(backend, clock, bobs_post, ann, "from ann")
    await comment(backend, clock, bobs_post, cyd, "from cyd")
    follow = FollowUser(backend.uow, clock)
    await follow.execute(FollowUserCommand(actor=actor(ann), user_id=bob))
    await follow.execute(FollowUserCommand(actor=actor(bob), user_id=ann))
    await follow.execute(FollowUserCommand(actor=actor(cyd), user_id=bob))

    await DeleteUser(backend.uow).execute(DeleteUserCommand(actor=actor(ann), user_id=ann))

    assert await backend.posts.list_page(PAGE, PostFilter(author_id=ann), viewer=SUPERUSER_VIEWER) == []
    assert [c.content for c in await backend.posts.comments(bobs_post, PAGE, viewer=None) or []] == ["from cyd"]
    assert [u.id for u in await backend.users.followers(bob, PAGE) or []] == [cyd]
    assert await backend.users.following(bob, PAGE) == []


async def test_profile_gathers_posts_with_comments_and_both_link_lists(backend: Backend, clock: ManualClock) -> None:
    ann, bob, cyd = await people(backend.uow, clock, "ann", "bob", "cyd", full_names=True)
    first = await write_post(backend, clock, ann, "first")
    second = await write_post(backend, clock, ann, "second")
    await comment(backend, clock, second, bob, "nice")
    await comment(backend, clock, first, cyd, "early")
    follow = FollowUser(backend.uow, clock)
    await follow.execute(FollowUserCommand(actor=actor(cyd), user_id=ann))
    await follow.execute(FollowUserCommand(actor=actor(bob), user_id=ann))
    await follow.execute(FollowUserCommand(actor=actor(ann), user_id=cyd))

    profile = await backend.users.get_profile(ann, viewer=None)
    assert profile is not None
    assert profile.user.username == "ann"
    assert [(p.post.title, [c.content for c in p.comments]) for p in profile.posts] == [
        ("first", ["early"]),
        ("second", ["nice"]),
    ]
    assert [u.username for u in profile.followers] == ["bob", "cyd"]
    assert [u.username for u in profile.following] == ["cyd"]
    assert await backend.users.get_profile(ann + 1000, viewer=SUPERUSER_VIEWER) is None
