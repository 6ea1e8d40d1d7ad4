from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from application.auth import Actor
from application.errors import EmailOrUsernameTaken, PermissionDenied
from application.ports.clock import Clock
from application.ports.readers import UserReader
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from application.use_cases.register_user import EmailOrUsernameRegistered, RegisterUserCommand
from domain.errors import InvalidValue
from domain.posts import Post
from domain.text import fold_case
from domain.users import User

DUPLICATE_IN_BATCH = "Email or username appears earlier in this import"


@dataclass(frozen=True, kw_only=True)
class RejectedEntry:
    """An entry the edge could not read as a user; ``detail`` says why."""

    detail: str


@dataclass(frozen=True, kw_only=True)
class ImportUsersCommand:
    actor: Actor
    entries: Sequence[RegisterUserCommand | RejectedEntry]


@dataclass(frozen=True, kw_only=True)
class ImportFailure:
    index: int
    detail: str


@dataclass(kw_only=True)
class ImportResult:
    created: int = 0
    errors: list[ImportFailure] = field(default_factory=list)


class ImportUsers:
    """Register many users in one transaction, each in its own savepoint (superusers only).

    Valid entries are created together with their welcome posts; an entry that is
    invalid, duplicates an earlier entry, or is already registered (also by a concurrent
    request) is rolled back alone and reported by index. Entries known to fail are
    dropped before hashing; the rest are hashed in parallel on the hasher's bounded pool,
    before the transaction starts. Welcome posts go in with multi-row statements.
    """

    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], reader: UserReader, hasher: PasswordHasher, clock: Clock
    ) -> None:
        self._uow_factory = uow_factory
        self._reader = reader
        self._hasher = hasher
        self._clock = clock

    async def execute(self, command: ImportUsersCommand) -> ImportResult:
        if not command.actor.is_superuser:
            raise PermissionDenied()
        now = self._clock.now()
        result = ImportResult()
        candidates = self._screen(command.entries, now, result)
        emails, usernames = await self._reader.taken(
            [u.email for _, u, _ in candidates], [u.username for _, u, _ in candidates]
        )
        fresh = []
        for index, user, password in candidates:
            if fold_case(user.email) in emails or user.username in usernames:
                result.errors.append(ImportFailure(index=index, detail=EmailOrUsernameRegistered.default_message))
            else:
                fresh.append((index, user, password))

        hashes = await self._hasher.hash_many([password for _, _, password in fresh])

        async def store(uow: UnitOfWork) -> tuple[int, list[ImportFailure]]:
            created: list[User] = []
            taken: list[ImportFailure] = []
            for (index, screened, _), hashed_password in zip(fresh, hashes, strict=True):
                user = replace(screened)  # a new entity per attempt: a failed one may have left an id
                user.change_password_hash(hashed_password, now)
                try:
                    async with uow.savepoint():
                        await uow.users.add(user)
                except EmailOrUsernameTaken:
                    taken.append(ImportFailure(index=index, detail=EmailOrUsernameRegistered.default_message))
                    continue
                created.append(user)
            await uow.posts.add_many(
                [Post.welcome(author_id=u.id, username=u.username, now=now) for u in created if u.id is not None]
            )
            await uow.commit()
            return len(created), taken

        result.created, taken = await in_transaction(self._uow_factory, store)
        result.errors.extend(taken)
        result.errors.sort(key=lambda error: error.index)
        return result

    @staticmethod
    def _screen(
        entries: Sequence[RegisterUserCommand | RejectedEntry], now: datetime, result: ImportResult
    ) -> list[tuple[int, User, str]]:
        """(index, user still without a password hash, password) for the entries that break
        no rule and repeat no earlier entry; the others go to ``result.errors``."""
        seen_emails: set[str] = set()
        seen_usernames: set[str] = set()
        kept = []
        for index, entry in enumerate(entries):
            if isinstance(entry, RejectedEntry):
                result.errors.append(ImportFailure(index=index, detail=entry.detail))
                continue
            try:
                user = User.register(
                    email=entry.email,
                    username=entry.username,
                    hashed_password="",
                    full_name=entry.full_name,
                    now=now,
                )
            except InvalidValue as error:
                result.errors.append(ImportFailure(index=index, detail=error.message))
                continue
            email = fold_case(user.email)
            if email in seen_emails or user.username in seen_usernames:
                result.errors.append(ImportFailure(index=index, detail=DUPLICATE_IN_BATCH))
                continue
            seen_emails.add(email)
            seen_usernames.add(user.username)
            kept.append((index, user, entry.password))
        return kept
