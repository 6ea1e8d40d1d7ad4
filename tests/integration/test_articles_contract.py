"""Slugs, tags, favourites and the article and author readers: the same on memory, SQLite
and PostgreSQL (races on real concurrent connections where the store has them)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from application.errors import PostNotFound
from application.queries import ArticleFilter, Page
from domain.comments import Comment
from domain.follows import Follow
from domain.posts import Post
from tests.conftest import Backend, people
from tests.fakes import ManualClock

PAGE = Page(skip=0, limit=100)
EVERYTHING = ArticleFilter()


async def write(
    backend: Backend,
    clock: ManualClock,
    author_id: int,
    title: str,
    *,
    tags: tuple[str, ...] = (),
    published: bool = True,
) -> Post:
    clock.advance(timedelta(seconds=1))
    async with backend.uow() as uow:
        post = Post.write(author_id=author_id, title=title, content="body", published=published, now=clock.now())
        await uow.posts.add(post)
        assert post.id is not None
        if tags:
            await uow.posts.set_tags(post.id, tags)
        await uow.commit()
    return post


async def favorite(backend: Backend, clock: ManualClock, user_id: int, post_id: int) -> None:
    async with backend.uow() as uow:
        await uow.favorites.add(user_id, post_id, clock.now())
        await uow.commit()


async def titles(backend: Backend, article_filter: ArticleFilter, page: Page = PAGE) -> tuple[list[str], int]:
    found = await backend.articles.list_page(article_filter, page, viewer_id=None)
    return [a.title for a in found.articles], found.count


async def test_slugs_come_from_titles_are_unique_and_survive_a_new_title(backend: Backend, clock: ManualClock) -> None:
    (ann,) = await people(backend.uow, clock, "ann")
    first = await write(backend, clock, ann, "How to Train Your Dragon")
    second = await write(backend, clock, ann, "How to train your dragon!")
    assert first.slug == "how-to-train-your-dragon"
    assert second.slug.startswith("how-to-train-your-dragon-") and second.slug != first.slug
    async with backend.uow() as uow:
        post = await uow.posts.get(first.id or 0)
        assert post is not None
        post.edit(title="Something else", now=clock.now())
        await uow.commit()
    found = await backend.articles.get(first.slug, viewer_id=None)
    assert found is not None and found.title == "Something else"


async def test_posts_written_at_the_same_moment_with_one_title_get_distinct_slugs(
    backend: Backend, clock: ManualClock
) -> None:
    (ann,) = await people(backend.uow, clock, "ann")
    written = await asyncio.gather(*(write(backend, clock, ann, "Same title") for _ in range(6)))
    slugs = {post.slug for post in written}
    assert len(slugs) == 6 and "same-title" in slugs
    stored = await backend.articles.list_page(EVERYTHING, PAGE, viewer_id=None)
    assert {a.slug for a in stored.articles} == slugs


async def test_tags_keep_their_order_are_replaced_whole_and_shared(backend: Backend, clock: ManualClock) -> None:
    (ann,) = await people(backend.uow, clock, "ann")
    post = await write(backend, clock, ann, "one", tags=("zebra", "apple", "mango"))
    other = await write(backend, clock, ann, "two", tags=("apple",))
    await write(backend, clock, ann, "draft", tags=("secret",), published=False)
    found = await backend.articles.get(post.slug, viewer_id=None)
    assert found is not None and found.tags == ["zebra", "apple", "mango"]
    assert await backend.articles.tags() == ["apple", "mango", "zebra"]
    async with backend.uow() as uow:
        await uow.posts.set_tags(post.id or 0, ["mango"])
        await uow.commit()
    assert await titles(backend, ArticleFilter(tag="apple")) == (["two"], 1)
    assert await titles(backend, ArticleFilter(tag="mango")) == (["one"], 1)
    async with backend.uow() as uow:
        await uow.posts.set_tags(other.id or 0, [])
        await uow.commit()
    assert await backend.articles.tags() == ["mango"]


async def test_a_tags_count_follows_its_articles_published_retagged_and_deleted(
    backend: Backend, clock: ManualClock
) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    post = await write(backend, clock, ann, "one", tags=("go", "rust"))
    draft = await write(backend, clock, ann, "draft", tags=("go",), published=False)
    bobs = await write(backend, clock, bob, "bob's", tags=("go", "rust"))

    async def counts() -> dict[str, int]:
        tags = ("go", "rust", "zig")
        return {tag: (await titles(backend, ArticleFilter(tag=tag), Page(skip=0, limit=1)))[1] for tag in tags}

    async def publish(post_id: int, published: bool) -> None:
        async with backend.uow() as uow:
            found = await uow.posts.get(post_id)
            assert found is not None
            found.edit(published=published, now=clock.now())
            await uow.commit()

    assert await counts() == {"go": 2, "rust": 2, "zig": 0}
    await publish(draft.id or 0, True)
    assert await counts() == {"go": 3, "rust": 2, "zig": 0}
    await publish(post.id or 0, False)
    assert await counts() == {"go": 2, "rust": 1, "zig": 0}
    async with backend.uow() as uow:
        found = await uow.posts.get(draft.id or 0)
        assert found is not None
        found.edit(published=False, now=clock.now())  # unpublished and retagged in one edit
        await uow.posts.set_tags(draft.id or 0, ["zig", "rust"])
        await uow.commit()
    assert await counts() == {"go": 1, "rust": 1, "zig": 0}
    await publish(draft.id or 0, True)
    assert await counts() == {"go": 1, "rust": 2, "zig": 1}
    async with backend.uow() as uow:
        assert await uow.posts.delete(draft.id or 0)
        await uow.commit()
    assert await counts() == {"go": 1, "rust": 1, "zig": 0}
    assert await backend.articles.tags() == ["go", "rust"]
    async with backend.uow() as uow:
        assert await uow.users.delete(bob)
        await uow.commit()
    assert bobs.id is not None and await counts() == {"go": 0, "rust": 0, "zig": 0}
    assert await backend.articles.tags() == []
    await publish(post.id or 0, True)
    assert await counts() == {"go": 1, "rust": 1, "zig": 0}


async def test_tags_of_a_missing_post_are_refused(backend: Backend, clock: ManualClock) -> None:
    for tags in (["a"], []):
        async with backend.uow() as uow:
            with pytest.raises(PostNotFound):
                await uow.posts.set_tags(12345, tags)


async def test_one_new_tag_given_to_two_posts_at_once_is_created_once(backend: Backend, clock: ManualClock) -> None:
    (ann,) = await people(backend.uow, clock, "ann")
    posts = [await write(backend, clock, ann, f"p{i}") for i in range(4)]

    async def tag(post: Post) -> None:
        async with backend.uow() as uow:
            await uow.posts.set_tags(post.id or 0, ["brand-new", f"own-{post.id}"])
            await uow.commit()

    await asyncio.gather(*(tag(post) for post in posts))
    assert (await titles(backend, ArticleFilter(tag="brand-new")))[1] == 4
    assert (await backend.articles.tags()).count("brand-new") == 1


async def test_favourites_count_once_per_user_and_say_whom_they_belong_to(backend: Backend, clock: ManualClock) -> None:
    ann, bob, cat = await people(backend.uow, clock, "ann", "bob", "cat")
    post = await write(backend, clock, ann, "liked")
    await write(backend, clock, ann, "ignored")
    await asyncio.gather(*(favorite(backend, clock, bob, post.id or 0) for _ in range(4)))
    await favorite(backend, clock, cat, post.id or 0)
    for viewer, favorited in ((bob, True), (ann, False), (None, False)):
        found = await backend.articles.get(post.slug, viewer_id=viewer)
        assert found is not None and (found.favorited, found.favorites_count) == (favorited, 2)
    assert await titles(backend, ArticleFilter(favorited_by="bob")) == (["liked"], 1)
    async with backend.uow() as uow:
        await uow.favorites.remove(bob, post.id or 0)
        await uow.favorites.remove(bob, post.id or 0)
        await uow.commit()
    found = await backend.articles.get(post.slug, viewer_id=bob)
    assert found is not None and (found.favorited, found.favorites_count) == (False, 1)
    assert await titles(backend, ArticleFilter(favorited_by="bob")) == ([], 0)


async def test_a_favourite_of_a_missing_post_is_refused(backend: Backend, clock: ManualClock) -> None:
    (ann,) = await people(backend.uow, clock, "ann")
    async with backend.uow() as uow:
        with pytest.raises(PostNotFound):
            await uow.favorites.add(ann, 12345, clock.now())


async def test_lists_are_newest_first_filtered_counted_and_paged(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    a1 = await write(backend, clock, ann, "a1", tags=("x",))
    await write(backend, clock, bob, "b1", tags=("x", "y"))
    await write(backend, clock, ann, "a2 draft", tags=("x",), published=False)
    await write(backend, clock, ann, "a3", tags=("y",))
    await favorite(backend, clock, bob, a1.id or 0)
    assert await titles(backend, EVERYTHING) == (["a3", "b1", "a1"], 3)
    assert await titles(backend, ArticleFilter(author="ann")) == (["a3", "a1"], 2)
    assert await titles(backend, ArticleFilter(tag="x")) == (["b1", "a1"], 2)
    assert await titles(backend, ArticleFilter(tag="x", author="ann", favorited_by="bob")) == (["a1"], 1)
    for nobody in (ArticleFilter(author="nobody"), ArticleFilter(tag="nothing"), ArticleFilter(favorited_by="nobody")):
        assert await titles(backend, nobody) == ([], 0)
    assert await titles(backend, EVERYTHING, Page(skip=1, limit=1)) == (["b1"], 3)
    assert await titles(backend, EVERYTHING, Page(skip=5, limit=1)) == ([], 3)
    newest = (await backend.articles.list_page(EVERYTHING, Page(limit=1), viewer_id=None)).articles[0]
    assert await titles(backend, EVERYTHING, Page(limit=10, after_id=newest.id)) == (["b1", "a1"], 3)


async def test_articles_carry_their_author_as_the_reader_sees_them(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    async with backend.uow() as uow:
        user = await uow.users.get(ann)
        assert user is not None
        user.change_bio("Writes.", clock.now())
        user.change_image("https://example.com/ann.png", clock.now())
        await uow.follows.add(Follow.link(follower_id=bob, followee_id=ann, now=clock.now()))
        await uow.commit()
    post = await write(backend, clock, ann, "hello", tags=("t",))
    for viewer, following in ((bob, True), (ann, False), (None, False)):
        listed = (await backend.articles.list_page(EVERYTHING, PAGE, viewer_id=viewer)).articles[0]
        author = listed.author
        assert (author.username, author.bio, author.image, author.following) == (
            "ann",
            "Writes.",
            "https://example.com/ann.png",
            following,
        )
        assert listed.tags == ["t"] and listed.slug == post.slug
        profile = await backend.authors.profile("ann", viewer_id=viewer)
        assert profile is not None and profile.following == following
    account = await backend.authors.account(ann)
    assert account is not None and (account.email, account.bio) == ("ann@example.com", "Writes.")
    assert await backend.authors.profile("nobody", viewer_id=None) is None
    assert await backend.authors.account(12345) is None


async def test_the_feed_holds_the_followed_authors_articles_newest_first(backend: Backend, clock: ManualClock) -> None:
    ann, bob, cat = await people(backend.uow, clock, "ann", "bob", "cat")
    await write(backend, clock, bob, "b1")
    await write(backend, clock, cat, "c1")
    await write(backend, clock, bob, "b2 draft", published=False)
    await write(backend, clock, bob, "b3")
    await write(backend, clock, ann, "mine")
    assert (await backend.articles.feed(ann, PAGE)).count == 0
    async with backend.uow() as uow:
        await uow.follows.add(Follow.link(follower_id=ann, followee_id=bob, now=clock.now()))
        await uow.commit()
    feed = await backend.articles.feed(ann, PAGE)
    assert ([a.title for a in feed.articles], feed.count) == (["b3", "b1"], 2)
    assert all(a.author.following for a in feed.articles)
    assert [a.title for a in (await backend.articles.feed(ann, Page(skip=1, limit=5))).articles] == ["b1"]
    past_the_end = await backend.articles.feed(ann, Page(skip=5, limit=5))
    assert (past_the_end.articles, past_the_end.count) == ([], 2)
    after_the_newest = await backend.articles.feed(ann, Page(after_id=feed.articles[0].id, limit=5))
    assert ([a.title for a in after_the_newest.articles], after_the_newest.count) == (["b1"], 2), "the whole feed"


async def test_drafts_are_no_articles_and_their_comments_none(backend: Backend, clock: ManualClock) -> None:
    (ann,) = await people(backend.uow, clock, "ann")
    draft = await write(backend, clock, ann, "draft", published=False)
    async with backend.uow() as uow:
        remark = Comment.write(post_id=draft.id or 0, author_id=ann, content="note", now=clock.now())
        await uow.comments.add(remark)
        await uow.commit()
    assert await backend.articles.get(draft.slug, viewer_id=ann) is None
    assert await backend.articles.get_by_id(draft.id or 0, viewer_id=ann) is None
    assert await backend.articles.comments(draft.slug, viewer_id=ann) is None
    assert await backend.articles.comment(remark.id or 0, viewer_id=ann) is None


async def test_comments_are_newest_first_with_their_authors_and_deleted_once(
    backend: Backend, clock: ManualClock
) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    post = await write(backend, clock, ann, "talk")
    ids = []
    for text in ("first", "second"):
        clock.advance(timedelta(seconds=1))
        async with backend.uow() as uow:
            remark = Comment.write(post_id=post.id or 0, author_id=bob, content=text, now=clock.now())
            await uow.comments.add(remark)
            await uow.commit()
        ids.append(remark.id or 0)
    found = await backend.articles.comments(post.slug, viewer_id=None)
    assert found is not None and [c.body for c in found] == ["second", "first"]
    assert found[0].author.username == "bob"
    one = await backend.articles.comment(ids[0], viewer_id=None)
    assert one is not None and one.body == "first"

    async def delete() -> bool:
        async with backend.uow() as uow:
            deleted = await uow.comments.delete(ids[0])
            await uow.commit()
        return deleted

    assert sorted(await asyncio.gather(delete(), delete())) == [False, True]
    assert await backend.articles.comment(ids[0], viewer_id=None) is None
    assert await backend.articles.comments("no-such-slug", viewer_id=None) is None


async def test_deleting_a_post_or_a_user_takes_their_tags_and_favourites(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await people(backend.uow, clock, "ann", "bob")
    post = await write(backend, clock, ann, "gone", tags=("only-here",))
    kept = await write(backend, clock, ann, "kept")
    await favorite(backend, clock, bob, kept.id or 0)
    async with backend.uow() as uow:
        assert await uow.posts.delete(post.id or 0)
        await uow.commit()
    assert await backend.articles.tags() == []
    async with backend.uow() as uow:
        assert await uow.users.delete(bob)
        await uow.commit()
    found = await backend.articles.get(kept.slug, viewer_id=None)
    assert found is not None and found.favorites_count == 0
