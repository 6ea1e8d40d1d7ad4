"""Reader and repository semantics, the same on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Actor
from application.errors import EmailOrUsernameTaken
from application.queries import Page, PostFilter
from application.tokens import hash_token
from application.use_cases.register_user import EmailOrUsernameRegistered, RegisterUser, RegisterUserCommand
from domain.comments import Comment
from domain.posts import Post
from domain.tokens import AccessToken
from domain.users import User
from tests.conftest import SUPERUSER_VIEWER, Backend, people
from tests.fakes import ManualClock

PAGE = Page(skip=0, limit=100)


async def add_users(backend: Backend, clock: ManualClock, *specs: tuple[str, str | None, bool]) -> list[User]:
    """Store users (username, full name, active), one second apart, in one transaction."""
    added = []
    async with backend.uow() as uow:
        for username, full_name, active in specs:
            user = User.register(
                email=f"{username}@Example.com",
                username=username,
                hashed_password="h",
                full_name=full_name,
                now=clock.now(),
            )
            user.set_active(active, clock.now())
            await uow.users.add(user)
            added.append(user)
            clock.advance(timedelta(seconds=1))
        await uow.commit()
    return added


async def test_add_assigns_ids_in_order(backend: Backend, clock: ManualClock) -> None:
    users = await add_users(backend, clock, ("ann", None, True), ("bob", None, True))
    assert users[0].id is not None and users[1].id is not None
    assert users[0].id < users[1].id


@pytest.mark.parametrize(("email", "username"), [("ANN@example.COM", "other"), ("other@example.com", "ann")])
async def test_email_case_insensitively_and_username_are_unique(
    backend: Backend, clock: ManualClock, email: str, username: str
) -> None:
    await add_users(backend, clock, ("ann", None, True))
    with pytest.raises(EmailOrUsernameTaken):
        async with backend.uow() as uow:
            await uow.users.add(
                User.register(email=email, username=username, hashed_password="h", full_name=None, now=clock.now())
            )
            await uow.commit()
    assert len(await backend.users.list_page(PAGE, active_only=False)) == 1


async def test_list_orders_by_id_and_pages(backend: Backend, clock: ManualClock) -> None:
    await add_users(backend, clock, *[(f"user{i}", None, True) for i in range(5)])
    page = await backend.users.list_page(Page(skip=1, limit=2), active_only=False)
    assert [u.username for u in page] == ["user1", "user2"]


async def test_active_only_lists_active_users_newest_first(backend: Backend, clock: ManualClock) -> None:
    await add_users(backend, clock, ("old", None, True), ("gone", None, False), ("new", None, True))
    assert [u.username for u in await backend.users.list_page(PAGE, active_only=True)] == ["new", "old"]


async def test_search_is_a_case_insensitive_substring_match(backend: Backend, clock: ManualClock) -> None:
    await add_users(backend, clock, ("ann", "Ann Lee", True), ("bob", "Bob Marley", True), ("cyd", None, True))
    assert [u.username for u in await backend.users.search("MARL", PAGE)] == ["bob"]
    assert [u.username for u in await backend.users.search("example", PAGE)] == ["ann", "bob", "cyd"]
    assert [u.username for u in await backend.users.search("EXAMPLE", Page(skip=1, limit=1))] == ["bob"]


@pytest.mark.parametrize("wildcard", ["%", "_", "\\"])
async def test_search_takes_wildcards_literally(backend: Backend, clock: ManualClock, wildcard: str) -> None:
    await add_users(backend, clock, ("plain", "Plain Name", True), ("odd", f"Odd{wildcard}Name", True))
    assert [u.username for u in await backend.users.search(f"d{wildcard}n", PAGE)] == ["odd"]
    assert [u.username for u in await backend.users.search(wildcard * 2, PAGE)] == []


async def test_with_posts_lists_posts_by_id(backend: Backend, clock: ManualClock) -> None:
    (ann,) = await add_users(backend, clock, ("ann", None, True))
    assert ann.id is not None
    async with backend.uow() as uow:
        for title in ("one", "two", "three"):
            await uow.posts.add(Post.write(author_id=ann.id, title=title, content="c", published=True, now=clock.now()))
        await uow.commit()
    found = await backend.users.get_with_posts(ann.id, viewer=None)
    assert found is not None
    assert [p.title for p in found.posts] == ["one", "two", "three"]
    assert found.posts[0].created_at == clock.now()
    assert found.posts[0].created_at.utcoffset() == timedelta(0)


async def test_unknown_and_impossible_ids_are_not_found(backend: Backend) -> None:
    for user_id in (1, 0, -1, 2**31, 10**15):
        assert await backend.users.get(user_id) is None
        assert await backend.users.get_with_posts(user_id, viewer=SUPERUSER_VIEWER) is None


async def test_credentials_are_found_by_email_case_insensitively_or_by_username(
    backend: Backend, clock: ManualClock
) -> None:
    (ann,) = await add_users(backend, clock, ("ann", None, True))
    by_email = await backend.credentials.find_credentials("ANN@example.com")
    by_username = await backend.credentials.find_credentials("ann")
    assert by_email is not None and by_username is not None
    assert by_email.user_id == by_username.user_id == ann.id
    assert await backend.credentials.find_credentials("ANN") is None
    assert await backend.credentials.find_credentials("nobody@example.com") is None


async def test_token_resolves_to_its_active_owner_until_it_expires(backend: Backend, clock: ManualClock) -> None:
    ann, bob = await add_users(backend, clock, ("ann", None, True), ("bob", None, False))
    assert ann.id is not None and bob.id is not None
    async with backend.uow() as uow:
        for owner_id, secret in ((ann.id, "ann-secret"), (bob.id, "bob-secret")):
            await uow.tokens.add(
                AccessToken(
                    token_hash=hash_token(secret),
                    user_id=owner_id,
                    created_at=clock.now(),
                    expires_at=clock.now() + timedelta(hours=1),
                )
            )
        await uow.commit()
    owner = await backend.credentials.user_for_token(hash_token("ann-secret"), clock.now())
    assert owner is not None and owner.id == ann.id
    assert await backend.credentials.user_for_token(hash_token("bob-secret"), clock.now()) is None
    assert await backend.credentials.user_for_token(hash_token("unknown"), clock.now()) is None
    later = clock.now() + timedelta(hours=1)
    assert await backend.credentials.user_for_token(hash_token("ann-secret"), later) is None


async def test_token_deletions(backend: Backend, clock: ManualClock) -> None:
    (ann,) = await add_users(backend, clock, ("ann", None, True))
    assert ann.id is not None
    now = clock.now()
    async with backend.uow() as uow:
        for secret, lifetime in (("old", -1), ("a", 1), ("b", 1)):
            await uow.tokens.add(
                AccessToken(
                    token_hash=hash_token(secret),
                    user_id=ann.id,
                    created_at=now,
                    expires_at=now + timedelta(hours=lifetime),
                )
            )
        await uow.commit()

    async def valid(secret: str) -> bool:
        return await backend.credentials.user_for_token(hash_token(secret), now) is not None

    async with backend.uow() as uow:
        await uow.tokens.delete_expired(ann.id, now)
        await uow.tokens.delete_by_hash(hash_token("a"))
        await uow.tokens.delete_by_hash(hash_token("never-issued"))
        await uow.commit()
    assert (await valid("a"), await valid("b")) == (False, True)
    async with backend.uow() as uow:
        await uow.tokens.delete_for_users([ann.id])
        await uow.commit()
    assert not await valid("b")


async def test_racing_registrations_of_one_email_create_one_user(
    backend: Backend, clock: ManualClock, hasher: Argon2PasswordHasher
) -> None:
    register = RegisterUser(backend.uow, hasher, clock)
    commands = [
        RegisterUserCommand(email=f"{'SAME' if i % 2 else 'same'}@example.com", username=f"racer{i}", password="p" * 8)
        for i in range(6)
    ]
    results = await asyncio.gather(*(register.execute(c) for c in commands), return_exceptions=True)
    created = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(created) == 1
    assert all(isinstance(r, EmailOrUsernameRegistered) for r in refused)
    assert len(await backend.users.list_page(PAGE, active_only=False)) == 1


async def test_emails_are_unique_under_unicode_case_folding(backend: Backend, clock: ManualClock) -> None:
    """Found by the stateful fidelity test: SQLite's own lower() folds ASCII only, so the
    Kelvin sign (K, U+212A) and 'k' were one email in memory and PostgreSQL, two in SQLite."""
    async with backend.uow() as uow:
        await uow.users.add(
            User.register(email="k@example.com", username="plain", hashed_password="h", full_name=None, now=clock.now())
        )
        await uow.commit()
    with pytest.raises(EmailOrUsernameTaken):
        async with backend.uow() as uow:
            await uow.users.add(
                User.register(
                    email="\u212a@example.com", username="kelvin", hashed_password="h", full_name=None, now=clock.now()
                )
            )
            await uow.commit()
    found = await backend.credentials.find_credentials("\u212a@EXAMPLE.com")
    assert found is not None
    assert [u.username for u in await backend.users.search("\u212a@", PAGE)] == ["plain"]


@pytest.mark.parametrize(
    ("first", "second"), [("i@example.com", "\u0130@example.com"), ("\u03c3\u03c3@x.io", "\u03a3\u03a3@x.io")]
)
async def test_case_folds_letter_by_letter_as_postgresql_does(
    backend: Backend, clock: ManualClock, first: str, second: str
) -> None:
    """Found by the stateful fidelity test: Python's str.lower turns 'İ' into two characters
    and a final 'Σ' into 'ς', where PostgreSQL's lower() maps each letter on its own."""
    async with backend.uow() as uow:
        await uow.users.add(
            User.register(email=first, username="first", hashed_password="h", full_name=None, now=clock.now())
        )
        await uow.commit()
    with pytest.raises(EmailOrUsernameTaken):
        async with backend.uow() as uow:
            await uow.users.add(
                User.register(email=second, username="second", hashed_password="h", full_name=None, now=clock.now())
            )
            await uow.commit()
    found = await backend.credentials.find_credentials(second)
    assert found is not None


# --- drafts are private: what each viewer sees ---------------------------------------------


@dataclass(frozen=True)
class Drafts:
    """ann and bob, each with a published post and a draft (written in that order, ann's
    first), bob's comments on both of ann's posts, and the viewers: anonymous, the two
    authors, and a superuser who wrote nothing."""

    ann: int
    bob: int
    viewers: dict[str, Actor | None]
    comments: dict[str, list[str]]


async def drafts_world(backend: Backend, clock: ManualClock) -> Drafts:
    ann, bob, root = await people(backend.uow, clock, "ann", "bob", "root")
    comments = {"ann-live": ["on ann-live"], "ann-draft": ["on ann-draft 1", "on ann-draft 2"]}
    async with backend.uow() as uow:
        for author, title, published in (
            (ann, "ann-live", True),
            (ann, "ann-draft", False),
            (bob, "bob-live", True),
            (bob, "bob-draft", False),
        ):
            post = Post.write(author_id=author, title=title, content="c", published=published, now=clock.now())
            await uow.posts.add(post)
            assert post.id is not None
            for text in comments.get(title, []):
                await uow.comments.add(Comment.write(post_id=post.id, author_id=bob, content=text, now=clock.now()))
        await uow.commit()
    viewers: dict[str, Actor | None] = {
        "anonymous": None,
        "ann": Actor(id=ann, is_superuser=False),
        "bob": Actor(id=bob, is_superuser=False),
        "superuser": Actor(id=root, is_superuser=True),
    }
    return Drafts(ann=ann, bob=bob, viewers=viewers, comments=comments)


async def test_posts_list_holds_published_posts_and_only_the_drafts_the_viewer_may_see(
    backend: Backend, clock: ManualClock
) -> None:
    world = await drafts_world(backend, clock)
    everything = ["ann-live", "ann-draft", "bob-live", "bob-draft"]
    published = ["ann-live", "bob-live"]
    # (filter, page) -> viewer -> titles; published=None lists every post the viewer may see.
    expected: dict[tuple[PostFilter, Page], dict[str, list[str]]] = {
        (PostFilter(), PAGE): {
            "anonymous": published,
            "ann": ["ann-live", "ann-draft", "bob-live"],
            "bob": ["ann-live", "bob-live", "bob-draft"],
            "superuser": everything,
        },
        (PostFilter(published=True), PAGE): dict.fromkeys(world.viewers, published),
        (PostFilter(published=False), PAGE): {
            "anonymous": [],
            "ann": ["ann-draft"],
            "bob": ["bob-draft"],
            "superuser": ["ann-draft", "bob-draft"],
        },
        (PostFilter(author_id=world.ann), PAGE): {
            "anonymous": ["ann-live"],
            "ann": ["ann-live", "ann-draft"],
            "bob": ["ann-live"],
            "superuser": ["ann-live", "ann-draft"],
        },
        (PostFilter(author_id=world.ann, published=False), PAGE): {
            "anonymous": [],
            "ann": ["ann-draft"],
            "bob": [],
            "superuser": ["ann-draft"],
        },
        # Paging counts only what the viewer sees.
        (PostFilter(), Page(skip=1, limit=1)): {
            "anonymous": ["bob-live"],
            "ann": ["ann-draft"],
            "bob": ["bob-live"],
            "superuser": ["ann-draft"],
        },
    }
    seen: dict[tuple[PostFilter, Page], dict[str, list[str]]] = {}
    for (post_filter, page), by_viewer in expected.items():
        seen[post_filter, page] = {}
        for name in by_viewer:
            listed = await backend.posts.list_page(page, post_filter, viewer=world.viewers[name])
            seen[post_filter, page][name] = [p.post.title for p in listed]
    assert seen == expected


async def test_a_draft_and_its_comments_exist_only_for_its_author_and_superusers(
    backend: Backend, clock: ManualClock
) -> None:
    world = await drafts_world(backend, clock)
    ids = {p.post.title: p.post.id for p in await backend.posts.list_page(PAGE, PostFilter(), viewer=SUPERUSER_VIEWER)}
    may_see_ann_draft = {"anonymous": False, "ann": True, "bob": False, "superuser": True}

    for name, viewer in world.viewers.items():
        for title in ("ann-live", "ann-draft"):
            visible = title == "ann-live" or may_see_ann_draft[name]
            detail = await backend.posts.get_detail(ids[title], viewer=viewer)
            comments = await backend.posts.comments(ids[title], PAGE, viewer=viewer)
            if not visible:
                assert (detail, comments) == (None, None), (name, title)
                continue
            assert detail is not None, (name, title)
            assert (detail.post.title, detail.author.id) == (title, world.ann)
            assert [c.content for c in detail.comments] == world.comments[title], (name, title)
            assert [c.content for c in comments or []] == world.comments[title], (name, title)


async def test_with_posts_and_profile_leave_out_the_drafts_the_viewer_may_not_see_and_their_comments(
    backend: Backend, clock: ManualClock
) -> None:
    world = await drafts_world(backend, clock)
    may_see_ann_draft = {"anonymous": False, "ann": True, "bob": False, "superuser": True}

    for name, viewer in world.viewers.items():
        titles = ["ann-live", "ann-draft"] if may_see_ann_draft[name] else ["ann-live"]
        with_posts = await backend.users.get_with_posts(world.ann, viewer=viewer)
        profile = await backend.users.get_profile(world.ann, viewer=viewer)
        assert with_posts is not None and profile is not None
        assert [p.title for p in with_posts.posts] == titles, name
        assert [(p.post.title, [c.content for c in p.comments]) for p in profile.posts] == [
            (title, world.comments[title]) for title in titles
        ], name
        assert [p.post for p in profile.posts] == with_posts.posts, name
        bobs = await backend.users.get_with_posts(world.bob, viewer=viewer)
        assert bobs is not None
        assert [p.title for p in bobs.posts] == (
            ["bob-live", "bob-draft"] if name in ("bob", "superuser") else ["bob-live"]
        ), name
