"""Keyset pages, the same on memory, SQLite and PostgreSQL: walking every list page by page,
each page after the last id of the one before, meets each item once and in order, also when
rows go between pages (the cursor's own row included); ``after_id`` comes before ``skip``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from application.queries import Page, PostFilter
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from tests.conftest import SUPERUSER_VIEWER, Backend, people
from tests.fakes import ManualClock

LIMIT = 2
ROWS = 7  # three full pages and a last one that is not


@dataclass(frozen=True)
class Listing:
    """One list of the API as a reader serves it: a page of its ids, and how one of its
    items leaves it."""

    read: Callable[[Page], Awaitable[list[int]]]
    remove: Callable[[int], Awaitable[None]]


@dataclass(frozen=True)
class World:
    listings: dict[str, Listing]
    expected: dict[str, list[int]]
    """Each list's ids, in its own order."""


async def build_world(backend: Backend, clock: ManualClock) -> World:
    """For every list, ``ROWS`` items of its own, among others it must leave out."""
    members = await people(backend.uow, clock, *[f"member{n}" for n in range(ROWS)])
    star, author, other = await people(backend.uow, clock, "star", "author", "other")
    fans = await people(backend.uow, clock, *[f"fan{n}" for n in range(ROWS)])
    idols = await people(backend.uow, clock, *[f"idol{n}" for n in range(ROWS)])
    commenters = await people(backend.uow, clock, *[f"commenter{n}" for n in range(ROWS)])
    async with backend.uow() as uow:
        posts_of_author = []
        for n in range(ROWS):
            post = Post.write(author_id=author, title=f"a{n}", content="c", published=True, now=clock.now())
            await uow.posts.add(post)
            await uow.posts.add(
                Post.write(author_id=other, title=f"o{n}", content="c", published=True, now=clock.now())
            )
            assert post.id is not None
            posts_of_author.append(post.id)
        commented = posts_of_author[0]
        comment_ids = []
        for commenter in commenters:
            comment = Comment.write(post_id=commented, author_id=commenter, content="hi", now=clock.now())
            await uow.comments.add(comment)
            await uow.comments.add(
                Comment.write(post_id=posts_of_author[1], author_id=commenter, content="x", now=clock.now())
            )
            assert comment.id is not None
            comment_ids.append(comment.id)
        for fan in fans:
            await uow.follows.add(Follow.link(follower_id=fan, followee_id=star, now=clock.now()))
            await uow.follows.add(Follow.link(follower_id=fan, followee_id=other, now=clock.now()))
        for idol in idols:
            await uow.follows.add(Follow.link(follower_id=star, followee_id=idol, now=clock.now()))
            await uow.follows.add(Follow.link(follower_id=other, followee_id=idol, now=clock.now()))
        await uow.commit()
    async with backend.uow() as uow:
        for n in (2, 5):  # inactive users are left out of the active list
            user = await uow.users.get(fans[n])
            assert user is not None
            user.set_active(False, clock.now())
        await uow.commit()

    every_user = [*members, star, author, other, *fans, *idols, *commenters]
    inactive = {fans[2], fans[5]}
    all_posts = [p.post.id for p in await backend.posts.list_page(Page(limit=1000), PostFilter(), viewer=None)]

    async def delete_user(user_id: int) -> None:
        async with backend.uow() as uow:
            await uow.users.delete(user_id)
            await uow.commit()

    async def delete_post(post_id: int) -> None:
        async with backend.uow() as uow:
            await uow.posts.delete(post_id)
            await uow.commit()

    async def comment_goes(comment_id: int) -> None:
        await delete_user(commenters[comment_ids.index(comment_id)])  # their comments go with them

    async def unfollow(follower_id: int, followee_id: int) -> None:
        async with backend.uow() as uow:
            await uow.follows.remove(follower_id, followee_id)
            await uow.commit()

    async def users(page: Page) -> list[int]:
        return [u.id for u in await backend.users.list_page(page, active_only=False)]

    async def active_users(page: Page) -> list[int]:
        return [u.id for u in await backend.users.list_page(page, active_only=True)]

    async def search(page: Page) -> list[int]:
        return [u.id for u in await backend.users.search("MEMBER", page)]

    async def posts(page: Page) -> list[int]:
        return [p.post.id for p in await backend.posts.list_page(page, PostFilter(), viewer=SUPERUSER_VIEWER)]

    async def posts_of(page: Page) -> list[int]:
        found = await backend.posts.list_page(page, PostFilter(author_id=author, published=True), viewer=None)
        return [p.post.id for p in found]

    async def comments(page: Page) -> list[int]:
        return [c.id for c in await backend.posts.comments(commented, page, viewer=None) or []]

    async def followers(page: Page) -> list[int]:
        return [u.id for u in await backend.users.followers(star, page) or []]

    async def following(page: Page) -> list[int]:
        return [u.id for u in await backend.users.following(star, page) or []]

    listings = {
        "users": Listing(users, delete_user),
        "active users": Listing(active_users, delete_user),
        "search": Listing(search, delete_user),
        "posts": Listing(posts, delete_post),
        "posts of an author": Listing(posts_of, delete_post),
        "comments": Listing(comments, comment_goes),
        "followers": Listing(followers, lambda fan: unfollow(fan, star)),
        "following": Listing(following, lambda idol: unfollow(star, idol)),
    }
    expected = {
        "users": every_user,
        "active users": sorted(set(every_user) - inactive, reverse=True),
        "search": members,
        "posts": all_posts,
        "posts of an author": posts_of_author,
        "comments": comment_ids,
        "followers": fans,
        "following": idols,
    }
    return World(listings, expected)


async def walk(listing: Listing, *, remove_between_pages: Callable[[list[int]], list[int]] | None = None) -> list[int]:
    """Every id the list shows, page after page, each page after the last id of the one
    before; between pages, the items ``remove_between_pages`` picks leave the list."""
    seen: list[int] = []
    page = await listing.read(Page(limit=LIMIT))
    for _ in range(100):
        seen += page
        if len(page) < LIMIT:
            return seen
        if remove_between_pages is not None:
            for item in remove_between_pages(page):
                await listing.remove(item)
        page = await listing.read(Page(after_id=page[-1], limit=LIMIT))
    raise AssertionError(f"the walk does not end: {seen}")


async def test_walking_each_list_by_after_id_meets_every_item_once_in_order(
    backend: Backend, clock: ManualClock
) -> None:
    world = await build_world(backend, clock)
    walked = {name: await walk(listing) for name, listing in world.listings.items()}
    assert walked == world.expected


LISTS = ("users", "active users", "search", "posts", "posts of an author", "comments", "followers", "following")


@pytest.mark.parametrize("name", LISTS)
async def test_walking_a_list_while_rows_go_between_pages_cursor_included(
    backend: Backend, clock: ManualClock, name: str
) -> None:
    world = await build_world(backend, clock)
    listing, order = world.listings[name], world.expected[name]
    gone_unseen: list[int] = []

    def cursor_and_the_next_one(page: list[int]) -> list[int]:
        # The page's last item (the cursor itself) goes, and so does the item after it.
        following = order.index(page[-1]) + 1
        if following < len(order):
            gone_unseen.append(order[following])
            return [page[-1], order[following]]
        return [page[-1]]

    walked = await walk(listing, remove_between_pages=cursor_and_the_next_one)

    assert gone_unseen
    assert walked == [item for item in order if item not in gone_unseen]


@pytest.mark.parametrize("name", LISTS)
async def test_after_id_comes_before_skip_and_a_missing_cursor_starts_where_it_would_be(
    backend: Backend, clock: ManualClock, name: str
) -> None:
    world = await build_world(backend, clock)
    listing, order = world.listings[name], world.expected[name]
    cursor = order[1]

    assert await listing.read(Page(after_id=cursor, skip=2, limit=2)) == order[4:6]
    assert await listing.read(Page(after_id=order[-1], limit=2)) == []
    await listing.remove(cursor)
    assert await listing.read(Page(after_id=cursor, limit=3)) == order[2:5]
