"""Adapter fidelity, as a Hypothesis state machine: one random sequence of use cases
(register, update and delete users; create, update and delete posts; comment; follow and
unfollow; transfer posts; deactivate and import users; tag, favour and unfavour posts,
delete comments) runs on the application wired on
the memory adapters and on a SQL adapter (SQLite always, PostgreSQL when the server is
reachable). After every step the answers, and everything the readers show (all users by id,
active users newest first, each user's profile and all posts as a superuser sees them, the
posts an anonymous caller sees, and the drafts each user sees; the articles with their
tags and counts of fans, the favourites of each user, every tag in use and its count of
articles), must be the
same on both. Slugs are compared without the random suffix that makes a taken one free.

Ids are the one thing allowed to differ: SQLite reuses the highest deleted rowid, the
memory adapter and PostgreSQL never reuse an id. Every answer and every read is therefore
compared through a per-backend mapping from the backend's ids to logical ids, assigned in
creation order (the n-th user created is logical user n on every backend). A logical user
or post that is gone is named, on every backend, by an id no row has. Everything else is
compared as it is: emails, usernames, names, flags, timestamps, titles, contents, comments,
followers, ordering, counts, and the type and message of every error raised.

Actors are active users (index 0: the superuser registered first, while it is active);
targets are any user or post created so far, alive or gone, or an id that never named a
row, so the errors are compared too. Emails collide case-insensitively, also beyond ASCII.

Size: 25 examples per test, each of 2 to 4 registrations, then up to 15 steps: some
seconds per test when it passes. A failure is shrunk by Hypothesis, which may take minutes
(every step reads every profile); the shrunk example is kept in .hypothesis/ and replayed
first by the next run.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import timedelta
from pprint import pformat
from typing import Any, ClassVar, Literal, TypeVar

import pytest
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule, run_state_machine_as_test

from adapters.security.argon2 import Argon2PasswordHasher
from application.auth import Actor
from application.errors import EmailOrUsernameTaken
from application.queries import ArticleFilter, Page, PostFilter
from application.unset import UNSET, Unset
from application.use_cases.add_comment import AddComment, AddCommentCommand
from application.use_cases.create_post import CreatePost, CreatePostCommand
from application.use_cases.deactivate_users import DeactivateUsers, DeactivateUsersCommand
from application.use_cases.delete_comment import DeleteComment, DeleteCommentCommand
from application.use_cases.delete_post import DeletePost, DeletePostCommand
from application.use_cases.delete_user import DeleteUser, DeleteUserCommand
from application.use_cases.favorite_post import FavoritePost, FavoritePostCommand, UnfavoritePost
from application.use_cases.follow_user import FollowUser, FollowUserCommand
from application.use_cases.import_users import ImportResult, ImportUsers, ImportUsersCommand, RejectedEntry
from application.use_cases.register_user import RegisterUser, RegisterUserCommand
from application.use_cases.transfer_posts import TransferPosts, TransferPostsCommand
from application.use_cases.unfollow_user import UnfollowUser, UnfollowUserCommand
from application.use_cases.update_post import UpdatePost, UpdatePostCommand
from application.use_cases.update_user import UpdateUser, UpdateUserCommand
from application.views import (
    ArticleDTO,
    CommentDTO,
    PostDTO,
    PostWithAuthorDTO,
    PostWithCommentsDTO,
    ProfileDTO,
    UserDTO,
    UserSummaryDTO,
)
from domain.errors import InvalidValue
from tests.conftest import SUPERUSER_VIEWER, Backend, memory_backend, sql_backend
from tests.databases import empty_tables
from tests.fakes import ManualClock

T = TypeVar("T")
Kind = Literal["user", "post", "comment"]
KINDS: tuple[Kind, ...] = ("user", "post", "comment")

ALL = Page(skip=0, limit=10_000)
# Between two steps; the microseconds check that every store keeps them.
STEP = timedelta(seconds=1, microseconds=1001)
# A logical user or post that no longer exists is named by GONE + its logical id on every backend.
GONE = 1_000_000
# Ids that never name a row: out of range, just inside the 32-bit range, beyond it.
MISSING_IDS = (0, -1, 2**31 - 1, 2**31, 2**63)
PASSWORD = "correct horse battery staple"

FIDELITY = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# --- strategies ----------------------------------------------------------------------------


def mostly(common: st.SearchStrategy[T], rare: st.SearchStrategy[T], one_in: int = 5) -> st.SearchStrategy[T]:
    """``rare`` about once in ``one_in`` draws, else ``common`` (which shrinking prefers)."""
    return st.integers(min_value=0, max_value=one_in - 1).flatmap(lambda n: rare if n == one_in - 1 else common)


# Local parts in pairs that are equal case-insensitively or nearly so: ASCII, "é"/"É", "k"
# and the Kelvin sign (which lower-cases to "k"), "i" and "İ" (which lower-cases to "i" + a
# combining dot above in Python, to "i" in some C libraries).
EMAIL_LOCAL_PARTS = ("ann", "Ann", "é", "É", "k", "\u212a", "i", "\u0130")
# Invalid addresses, and the longest valid one (255 characters) beside one character too many.
ODD_EMAILS = (
    "not-an-email",
    "a@nodot",
    "a b@ex.io",
    "a" * 64 + "@" + "b" * 187 + ".io",
    "a" * 64 + "@" + "b" * 188 + ".io",
)
emails = mostly(st.sampled_from(EMAIL_LOCAL_PARTS).map(lambda local: f"{local}@ex.io"), st.sampled_from(ODD_EMAILS))
# Usernames are case-sensitive: "ann" and "Ann", "cléo" and "Cléo" are distinct.
usernames = mostly(
    st.sampled_from(("ann", "bob", "Ann", "dan", "eve", "cléo", "Cléo", "u" * 100)),
    st.sampled_from(("ab", "a b", "x@y", "u" * 101)),
)
full_names = mostly(st.one_of(st.none(), st.text(max_size=3)), st.sampled_from(("é" * 255, "n" * 256)))
titles = mostly(st.text(max_size=4), st.sampled_from(("é" * 255, "t" * 256)))
texts = st.text(max_size=4)
# Normalised (case, blanks, repeats) or refused (too long), on every backend alike.
tag_lists = st.lists(st.sampled_from(("go", "Go", " rust ", "", "t" * 65, "ünï")), max_size=3)
superuser_flags = mostly(st.just(False), st.just(True), one_in=4)
# An index into the active users, in logical-id order.
actors = st.integers(min_value=0, max_value=9)


@dataclass(frozen=True)
class Known:
    """The (n mod count)-th user or post ever created, alive or not."""

    n: int


@dataclass(frozen=True)
class Missing:
    """An id that names no row on any backend."""

    id: int


Ref = Known | Missing
refs: st.SearchStrategy[Ref] = mostly(
    st.integers(min_value=0, max_value=19).map(Known), st.sampled_from(MISSING_IDS).map(Missing)
)


def maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | Unset]:
    return st.one_of(st.just(UNSET), strategy)


registrations = st.builds(
    RegisterUserCommand,
    email=emails,
    username=usernames,
    password=st.just(PASSWORD),
    full_name=full_names,
    is_superuser=superuser_flags,
)
# The import ignores is_superuser: its entries come from the edge without one.
import_entries: st.SearchStrategy[RegisterUserCommand | RejectedEntry] = mostly(
    st.builds(RegisterUserCommand, email=emails, username=usernames, password=st.just(PASSWORD), full_name=full_names),
    st.sampled_from(("Field required", "Input should be a valid string")).map(lambda d: RejectedEntry(detail=d)),
    one_in=4,
)


def shown(value: object) -> str:
    """A short repr for step labels: long strings are abbreviated."""
    if isinstance(value, str) and len(value) > 24:
        if len(set(value)) == 1:
            return f"{value[0]!r}*{len(value)}"
        return f"{value[:12]!r}...({len(value)} characters)"
    if isinstance(value, RegisterUserCommand):
        superuser = ", superuser" if value.is_superuser else ""
        return f"<{shown(value.email)}, {shown(value.username)}, full_name={shown(value.full_name)}{superuser}>"
    if isinstance(value, list):
        return f"[{', '.join(shown(item) for item in value)}]"
    if isinstance(value, dict):
        return ", ".join(f"{key}={shown(item)}" for key, item in value.items())
    return repr(value)


# --- logical ids ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Raised:
    """An exception as a comparable answer."""

    type: str
    message: str
    field: str | None

    @classmethod
    def of(cls, error: Exception) -> Raised:
        # The field an invalid value names is the domain's, the same everywhere. Which of
        # email and username a refused registration or edit names (EmailTaken or
        # UsernameTaken) is the store's when both are taken (PostgreSQL checks email first,
        # SQLite username, the memory adapter email), so only the common kind is compared
        # here; tests/e2e/test_realworld.py checks each alone on every backend.
        kind = EmailOrUsernameTaken if isinstance(error, EmailOrUsernameTaken) else type(error)
        field = error.field if isinstance(error, InvalidValue) else None
        return cls(type=f"{kind.__module__}.{kind.__qualname__}", message=str(error), field=field)


@dataclass(frozen=True, kw_only=True)
class Reads:
    """Everything the readers show after a step."""

    users: list[UserDTO]
    active_users: list[UserDTO]
    profiles: list[ProfileDTO | None]
    posts: list[PostWithAuthorDTO]
    public_posts: list[PostWithAuthorDTO]
    """The posts an anonymous caller sees."""
    drafts_seen: list[list[PostWithAuthorDTO]]
    """For each user (of ``users``), the drafts they see: their own, or all for a superuser."""
    articles: list[ArticleDTO]
    """The published posts as articles, for an anonymous reader."""
    favorites: list[list[ArticleDTO]]
    """For each user (of ``users``), the articles they favour, as they see them."""
    tags: list[str]
    tag_counts: dict[str, int]
    """For each tag in use, the size of its list of articles."""


async def read_everything(backend: Backend) -> Reads:
    users = await backend.users.list_page(ALL, active_only=False)
    drafts = PostFilter(published=False)
    tags = await backend.articles.tags()
    return Reads(
        users=users,
        active_users=await backend.users.list_page(ALL, active_only=True),
        profiles=[await backend.users.get_profile(user.id, viewer=SUPERUSER_VIEWER) for user in users],
        posts=await backend.posts.list_page(ALL, PostFilter(), viewer=SUPERUSER_VIEWER),
        public_posts=await backend.posts.list_page(ALL, PostFilter(), viewer=None),
        drafts_seen=[await backend.posts.list_page(ALL, drafts, viewer=Actor.of(user)) for user in users],
        articles=(await backend.articles.list_page(ArticleFilter(), ALL, viewer_id=None)).articles,
        favorites=[
            (
                await backend.articles.list_page(ArticleFilter(favorited_by=user.username), ALL, viewer_id=user.id)
            ).articles
            for user in users
        ],
        tags=tags,
        tag_counts={
            tag: (await backend.articles.list_page(ArticleFilter(tag=tag), Page(skip=0, limit=1), viewer_id=None)).count
            for tag in tags
        },
    )


class Ids:
    """One backend's ids and the logical ids they stand for, assigned in creation order."""

    def __init__(self, backend: str) -> None:
        self._backend = backend
        self._logical: dict[Kind, dict[int, int]] = {kind: {} for kind in KINDS}
        self._native: dict[Kind, dict[int, int]] = {kind: {} for kind in KINDS}
        self.created: dict[Kind, int] = dict.fromkeys(KINDS, 0)

    def sync(self, reads: Reads) -> None:
        """Forget the ids that vanished, then number the new ones in ascending order (ids
        grow with creation on every backend, also where SQLite reuses a deleted one)."""
        users: set[int] = set()
        posts: set[int] = set()
        comments: set[int] = set()
        for user in [*reads.users, *reads.active_users]:
            users.add(user.id)
        for listed in reads.posts:
            posts.add(listed.post.id)
            users.update((listed.post.author_id, listed.author.id))
        for profile in reads.profiles:
            if profile is None:
                continue
            users.update(summary.id for summary in [*profile.followers, *profile.following])
            for with_comments in profile.posts:
                posts.add(with_comments.post.id)
                users.add(with_comments.post.author_id)
                comments.update(comment.id for comment in with_comments.comments)
                posts.update(comment.post_id for comment in with_comments.comments)
                users.update(comment.author_id for comment in with_comments.comments)
        self._sync("user", users)
        self._sync("post", posts)
        self._sync("comment", comments)

    def _sync(self, kind: Kind, present: set[int]) -> None:
        logical, native = self._logical[kind], self._native[kind]
        for backend_id in [i for i in logical if i not in present]:
            del native[logical.pop(backend_id)]
        for backend_id in sorted(present - logical.keys()):
            self.created[kind] += 1
            logical[backend_id] = self.created[kind]
            native[self.created[kind]] = backend_id

    def native(self, kind: Kind, logical_id: int) -> int:
        """The backend's id of a logical user or post; an id no row has if it is gone."""
        return self._native[kind].get(logical_id, GONE + logical_id)

    def logical(self, kind: Kind, backend_id: int) -> int:
        try:
            return self._logical[kind][backend_id]
        except KeyError:
            raise AssertionError(f"{self._backend}: {kind} id {backend_id} is in an answer but in no read") from None

    # DTOs with their ids made logical.

    def user(self, user: UserDTO) -> UserDTO:
        return replace(user, id=self.logical("user", user.id))

    def summary(self, summary: UserSummaryDTO) -> UserSummaryDTO:
        return replace(summary, id=self.logical("user", summary.id))

    def post(self, post: PostDTO) -> PostDTO:
        return replace(post, id=self.logical("post", post.id), author_id=self.logical("user", post.author_id))

    def comment(self, comment: CommentDTO) -> CommentDTO:
        return replace(
            comment,
            id=self.logical("comment", comment.id),
            post_id=self.logical("post", comment.post_id),
            author_id=self.logical("user", comment.author_id),
        )

    def profile(self, profile: ProfileDTO | None) -> ProfileDTO | None:
        if profile is None:
            return None
        return ProfileDTO(
            user=self.user(profile.user),
            posts=[
                PostWithCommentsDTO(post=self.post(p.post), comments=[self.comment(c) for c in p.comments])
                for p in profile.posts
            ],
            followers=[self.summary(s) for s in profile.followers],
            following=[self.summary(s) for s in profile.following],
        )

    def article(self, article: ArticleDTO) -> ArticleDTO:
        return replace(
            article,
            id=self.logical("post", article.id),
            slug=_SLUG_SUFFIXES.sub("", article.slug),
            author=replace(article.author, id=self.logical("user", article.author.id)),
        )

    def listed(self, posts: list[PostWithAuthorDTO]) -> list[PostWithAuthorDTO]:
        return [PostWithAuthorDTO(post=self.post(p.post), author=self.summary(p.author)) for p in posts]

    def reads(self, reads: Reads) -> Reads:
        return Reads(
            users=[self.user(u) for u in reads.users],
            active_users=[self.user(u) for u in reads.active_users],
            profiles=[self.profile(p) for p in reads.profiles],
            posts=self.listed(reads.posts),
            public_posts=self.listed(reads.public_posts),
            drafts_seen=[self.listed(drafts) for drafts in reads.drafts_seen],
            articles=[self.article(a) for a in reads.articles],
            favorites=[[self.article(a) for a in liked] for liked in reads.favorites],
            tags=reads.tags,
            tag_counts=reads.tag_counts,
        )

    def answer(self, answer: object) -> object:
        if isinstance(answer, UserDTO):
            return self.user(answer)
        if isinstance(answer, PostDTO):
            return self.post(answer)
        if isinstance(answer, CommentDTO):
            return self.comment(answer)
        assert answer is None or isinstance(answer, int | Raised | ImportResult), f"unexpected answer {answer!r}"
        return answer


# What with_suffix adds to a taken slug: random, so different on each backend.
_SLUG_SUFFIXES = re.compile(r"(-[0-9a-f]{8})+$")


@dataclass(frozen=True)
class Target:
    """A logical user or post (alive or gone), or a raw id that names nothing."""

    kind: Kind
    logical: int | None
    raw: int = 0

    def on(self, ids: Ids) -> int:
        return self.raw if self.logical is None else ids.native(self.kind, self.logical)

    def __str__(self) -> str:
        return f"missing {self.raw}" if self.logical is None else f"{self.kind[0].upper()}{self.logical}"


@dataclass(frozen=True)
class LogicalActor:
    user: int
    is_superuser: bool

    def on(self, ids: Ids) -> Actor:
        return Actor(id=ids.native("user", self.user), is_superuser=self.is_superuser)

    def __str__(self) -> str:
        return f"U{self.user}{' (superuser)' if self.is_superuser else ''}"


class Wired:
    """One backend: its use cases and its ids."""

    def __init__(self, backend: Backend, hasher: Argon2PasswordHasher, clock: ManualClock) -> None:
        self.name = backend.name
        self.backend = backend
        self.ids = Ids(backend.name)
        uow = backend.uow
        self.register_user = RegisterUser(uow, hasher, clock)
        self.update_user = UpdateUser(uow, hasher, clock)
        self.delete_user = DeleteUser(uow)
        self.create_post = CreatePost(uow, clock)
        self.update_post = UpdatePost(uow, clock)
        self.delete_post = DeletePost(uow)
        self.add_comment = AddComment(uow, clock)
        self.follow_user = FollowUser(uow, clock)
        self.unfollow_user = UnfollowUser(uow)
        self.transfer_posts = TransferPosts(uow, clock)
        self.deactivate_users = DeactivateUsers(uow, clock)
        self.import_users = ImportUsers(uow, backend.users, hasher, clock)
        self.favorite_post = FavoritePost(uow, clock)
        self.unfavorite_post = UnfavoritePost(uow)
        self.delete_comment = DeleteComment(uow)


def unambiguous(text: str) -> str:
    """``text`` with every character beyond Latin-1 escaped, so that look-alikes such as the
    Kelvin sign and "K", or "İ" and "I", cannot be mistaken for each other in a report."""
    return text.encode("latin-1", "backslashreplace").decode("latin-1")


def assert_same(what: str, answers: dict[str, Any]) -> None:
    """Every backend answered as the first one (the memory adapter) did; else say who
    answered what."""
    reference = next(iter(answers.values()))
    if all(answer == reference for answer in answers.values()):
        return
    lines = [f"{what} differ between backends:"]
    lines += [f"--- {name}:\n{pformat(answer, width=120)}" for name, answer in answers.items()]
    raise AssertionError(unambiguous("\n".join(lines)))


# --- the machine ---------------------------------------------------------------------------


class World:
    """What the examples of one test share: an event loop, the hasher and the SQL backends
    (so their pools stay warm). Every example still starts from emptied tables."""

    def __init__(self, urls: dict[str, str], hasher: Argon2PasswordHasher) -> None:
        self.urls = urls
        self.hasher = hasher
        self.loop = asyncio.new_event_loop()
        self.sql = [sql_backend(name, url) for name, url in urls.items()]

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        try:
            for backend in self.sql:
                self.run(backend.database.dispose())
            self.run(self.loop.shutdown_asyncgens())
            self.run(self.loop.shutdown_default_executor())
        finally:
            self.loop.close()


class FidelityMachine(RuleBasedStateMachine):
    """Each step runs one use case on every backend, then compares the answers and every read.
    The test running a subclass sets its ``world`` first."""

    world: ClassVar[World]

    def __init__(self) -> None:
        super().__init__()
        world = self.world
        self._run = world.run
        for url in world.urls.values():
            self._run(empty_tables(url))
        self.clock = ManualClock()
        self.wired = [Wired(backend, world.hasher, self.clock) for backend in [memory_backend(), *world.sql]]
        self.reference = self.wired[0]
        self.model = Reads(
            users=[],
            active_users=[],
            profiles=[],
            posts=[],
            public_posts=[],
            drafts_seen=[],
            articles=[],
            favorites=[],
            tags=[],
            tag_counts={},
        )
        self.steps = 0

    # Choosing actors and targets, in logical terms, from the reference's latest reads.

    def has_actor(self) -> bool:
        return bool(self.model.active_users)

    def actor(self, index: int) -> LogicalActor:
        """An active user (authentication admits no other), in logical-id order: index 0
        is the superuser registered first as long as it is active."""
        candidates = sorted(self.model.active_users, key=lambda user: user.id)
        chosen = candidates[index % len(candidates)]
        return LogicalActor(chosen.id, chosen.is_superuser)

    def target(self, kind: Kind, ref: Ref) -> Target:
        created = self.reference.ids.created[kind]
        if isinstance(ref, Missing) or created == 0:
            return Target(kind, None, ref.id if isinstance(ref, Missing) else MISSING_IDS[0])
        return Target(kind, 1 + ref.n % created)

    def step(self, label: str, call: Callable[[Wired], Coroutine[Any, Any, object]]) -> None:
        """Run ``call`` on every backend; compare the answers, then every read."""
        self.clock.advance(STEP)
        self.steps += 1
        answers: dict[str, object] = {}
        for wired in self.wired:
            try:
                answers[wired.name] = self._run(call(wired))
            except Exception as error:
                answers[wired.name] = Raised.of(error)
        native_reads: dict[str, Reads] = {}
        for wired in self.wired:
            native_reads[wired.name] = self._run(read_everything(wired.backend))
            wired.ids.sync(native_reads[wired.name])
        logical_answers = {w.name: w.ids.answer(answers[w.name]) for w in self.wired}
        reference = logical_answers[self.reference.name]
        note(unambiguous(f"step {self.steps}: {label} -> {reference!r}"))
        assert_same(f"Answers to step {self.steps}, {label},", logical_answers)
        reads = {w.name: w.ids.reads(native_reads[w.name]) for w in self.wired}
        self._compare_reads(label, reads)
        self.model = reads[self.reference.name]

    def _compare_reads(self, label: str, reads: dict[str, Reads]) -> None:
        after = f"after step {self.steps}, {label},"
        names = list(reads)
        assert_same(f"Users (all, by id) {after}", {n: reads[n].users for n in names})
        assert_same(f"Active users (newest first) {after}", {n: reads[n].active_users for n in names})
        # The users are the same, so the profiles (read for each of them) line up.
        for index, user in enumerate(reads[names[0]].users):
            assert_same(f"Profiles of U{user.id} {after}", {n: reads[n].profiles[index] for n in names})
            assert_same(f"Drafts U{user.id} sees {after}", {n: reads[n].drafts_seen[index] for n in names})
        assert_same(f"Posts (all, by id) {after}", {n: reads[n].posts for n in names})
        assert_same(f"Posts an anonymous caller sees {after}", {n: reads[n].public_posts for n in names})
        assert_same(f"Articles {after}", {n: reads[n].articles for n in names})
        for index, user in enumerate(reads[names[0]].users):
            assert_same(f"Favourites of U{user.id} {after}", {n: reads[n].favorites[index] for n in names})
        assert_same(f"Tags {after}", {n: reads[n].tags for n in names})
        assert_same(f"Articles per tag {after}", {n: reads[n].tag_counts for n in names})

    # --- rules ---------------------------------------------------------------------------

    @initialize(first_users=st.lists(registrations, min_size=1, max_size=3))
    def register_superuser_then_users(self, first_users: list[RegisterUserCommand]) -> None:
        """The superuser first (logical user 1), then a few users, each its own step."""
        root = RegisterUserCommand(
            email="root@ex.io", username="root", password=PASSWORD, full_name="Root", is_superuser=True
        )
        for command in [root, *first_users]:
            self._register(command)

    @rule(command=registrations)
    def register_user(self, command: RegisterUserCommand) -> None:
        self._register(command)

    def _register(self, command: RegisterUserCommand) -> None:
        self.step(f"register_user({shown(command)})", lambda w: w.register_user.execute(command))

    @precondition(lambda self: self.has_actor())
    @rule(
        actor=actors,
        user=refs,
        email=maybe(emails),
        username=maybe(usernames),
        full_name=maybe(full_names),
        password=maybe(st.just("a new password")),
        is_active=maybe(st.booleans()),
    )
    def update_user(
        self,
        actor: int,
        user: Ref,
        email: str | Unset,
        username: str | Unset,
        full_name: str | Unset | None,
        password: str | Unset,
        is_active: bool | Unset,
    ) -> None:
        by, target = self.actor(actor), self.target("user", user)
        fields = {
            "email": email,
            "username": username,
            "full_name": full_name,
            "password": password,
            "is_active": is_active,
        }
        given = {name: value for name, value in fields.items() if value is not UNSET}
        self.step(
            f"update_user(actor={by}, user={target}, {shown(given)})",
            lambda w: w.update_user.execute(
                UpdateUserCommand(
                    actor=by.on(w.ids),
                    user_id=target.on(w.ids),
                    email=email,
                    username=username,
                    full_name=full_name,
                    password=password,
                    is_active=is_active,
                )
            ),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, user=refs)
    def delete_user(self, actor: int, user: Ref) -> None:
        by, target = self.actor(actor), self.target("user", user)
        self.step(
            f"delete_user(actor={by}, user={target})",
            lambda w: w.delete_user.execute(DeleteUserCommand(actor=by.on(w.ids), user_id=target.on(w.ids))),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, title=titles, content=texts, published=st.booleans(), tags=tag_lists)
    def create_post(self, actor: int, title: str, content: str, published: bool, tags: list[str]) -> None:
        by = self.actor(actor)
        self.step(
            f"create_post(actor={by}, title={shown(title)}, content={shown(content)}, published={published},"
            f" tags={shown(tags)})",
            lambda w: w.create_post.execute(
                CreatePostCommand(
                    actor=by.on(w.ids),
                    title=title,
                    content=content,
                    published=published,
                    description=content,
                    tags=tags,
                )
            ),
        )

    @precondition(lambda self: self.has_actor())
    @rule(
        actor=actors,
        post=refs,
        title=maybe(titles),
        content=maybe(texts),
        published=maybe(st.booleans()),
        tags=maybe(tag_lists),
    )
    def update_post(
        self,
        actor: int,
        post: Ref,
        title: str | Unset,
        content: str | Unset,
        published: bool | Unset,
        tags: list[str] | Unset,
    ) -> None:
        by, target = self.actor(actor), self.target("post", post)
        fields = {"title": title, "content": content, "published": published, "tags": tags}
        given = {name: value for name, value in fields.items() if value is not UNSET}
        self.step(
            f"update_post(actor={by}, post={target}, {shown(given)})",
            lambda w: w.update_post.execute(
                UpdatePostCommand(
                    actor=by.on(w.ids),
                    post_id=target.on(w.ids),
                    title=title,
                    content=content,
                    published=published,
                    tags=tags,
                )
            ),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, post=refs, again=st.booleans())
    def favorite_post(self, actor: int, post: Ref, again: bool) -> None:
        by, target = self.actor(actor), self.target("post", post)

        async def favorite(w: Wired) -> None:
            command = FavoritePostCommand(actor=by.on(w.ids), post_id=target.on(w.ids))
            for _ in range(2 if again else 1):
                await w.favorite_post.execute(command)

        self.step(f"favorite_post(actor={by}, post={target}, again={again})", favorite)

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, post=refs)
    def unfavorite_post(self, actor: int, post: Ref) -> None:
        by, target = self.actor(actor), self.target("post", post)
        self.step(
            f"unfavorite_post(actor={by}, post={target})",
            lambda w: w.unfavorite_post.execute(FavoritePostCommand(actor=by.on(w.ids), post_id=target.on(w.ids))),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, post=refs, comment=refs)
    def delete_comment(self, actor: int, post: Ref, comment: Ref) -> None:
        by, on_post, target = self.actor(actor), self.target("post", post), self.target("comment", comment)
        self.step(
            f"delete_comment(actor={by}, post={on_post}, comment={target})",
            lambda w: w.delete_comment.execute(
                DeleteCommentCommand(actor=by.on(w.ids), post_id=on_post.on(w.ids), comment_id=target.on(w.ids))
            ),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, post=refs)
    def delete_post(self, actor: int, post: Ref) -> None:
        by, target = self.actor(actor), self.target("post", post)
        self.step(
            f"delete_post(actor={by}, post={target})",
            lambda w: w.delete_post.execute(DeletePostCommand(actor=by.on(w.ids), post_id=target.on(w.ids))),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, post=refs, content=texts)
    def add_comment(self, actor: int, post: Ref, content: str) -> None:
        by, target = self.actor(actor), self.target("post", post)
        self.step(
            f"add_comment(actor={by}, post={target}, content={shown(content)})",
            lambda w: w.add_comment.execute(
                AddCommentCommand(actor=by.on(w.ids), post_id=target.on(w.ids), content=content)
            ),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, user=refs)
    def follow_user(self, actor: int, user: Ref) -> None:
        by, target = self.actor(actor), self.target("user", user)
        self.step(
            f"follow_user(actor={by}, user={target})",
            lambda w: w.follow_user.execute(FollowUserCommand(actor=by.on(w.ids), user_id=target.on(w.ids))),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, user=refs)
    def unfollow_user(self, actor: int, user: Ref) -> None:
        by, target = self.actor(actor), self.target("user", user)
        self.step(
            f"unfollow_user(actor={by}, user={target})",
            lambda w: w.unfollow_user.execute(UnfollowUserCommand(actor=by.on(w.ids), user_id=target.on(w.ids))),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, source=refs, destination=refs)
    def transfer_posts(self, actor: int, source: Ref, destination: Ref) -> None:
        by, from_user, to_user = self.actor(actor), self.target("user", source), self.target("user", destination)
        self.step(
            f"transfer_posts(actor={by}, from={from_user}, to={to_user})",
            lambda w: w.transfer_posts.execute(
                TransferPostsCommand(actor=by.on(w.ids), from_user_id=from_user.on(w.ids), to_user_id=to_user.on(w.ids))
            ),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, users=st.lists(refs, max_size=4))
    def deactivate_users(self, actor: int, users: list[Ref]) -> None:
        by, targets = self.actor(actor), [self.target("user", ref) for ref in users]
        self.step(
            f"deactivate_users(actor={by}, users=[{', '.join(map(str, targets))}])",
            lambda w: w.deactivate_users.execute(
                DeactivateUsersCommand(actor=by.on(w.ids), user_ids=[t.on(w.ids) for t in targets])
            ),
        )

    @precondition(lambda self: self.has_actor())
    @rule(actor=actors, entries=st.lists(import_entries, max_size=4))
    def import_users(self, actor: int, entries: list[RegisterUserCommand | RejectedEntry]) -> None:
        by = self.actor(actor)
        self.step(
            f"import_users(actor={by}, entries={shown(entries)})",
            lambda w: w.import_users.execute(ImportUsersCommand(actor=by.on(w.ids), entries=entries)),
        )


# One subclass per pair of backends: Hypothesis keys its example database by the machine's
# source, so each pair keeps (and replays) its own failures.


class MemoryAndSqlite(FidelityMachine):
    """The memory adapters against SQLite."""


class MemoryAndPostgres(FidelityMachine):
    """The memory adapters against PostgreSQL."""


def run_fidelity(machine: type[FidelityMachine], urls: dict[str, str], hasher: Argon2PasswordHasher) -> None:
    machine.world = World(urls, hasher)
    try:
        run_state_machine_as_test(machine, settings=FIDELITY)
    finally:
        machine.world.close()
        del machine.world


def test_memory_and_sqlite_agree_step_by_step(sqlite_url: str, hasher: Argon2PasswordHasher) -> None:
    run_fidelity(MemoryAndSqlite, {"sqlite": sqlite_url}, hasher)


@pytest.mark.postgres
def test_memory_and_postgres_agree_step_by_step(postgres_url: str, hasher: Argon2PasswordHasher) -> None:
    run_fidelity(MemoryAndPostgres, {"postgres": postgres_url}, hasher)
