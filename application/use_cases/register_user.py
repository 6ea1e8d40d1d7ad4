from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from application.auth import IssuedToken
from application.errors import EmailOrUsernameTaken
from application.ports.clock import Clock
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.tokens import new_token_secret, token_for
from application.transactions import in_transaction
from application.views import UserDTO
from domain.posts import Post
from domain.users import User


class EmailOrUsernameRegistered(EmailOrUsernameTaken):
    default_message = "Email or username already registered"

    def __init__(self, field: str | None) -> None:
        super().__init__()
        self.field = field


@dataclass(frozen=True, kw_only=True)
class RegisterUserCommand:
    email: str
    username: str
    password: str
    full_name: str | None = None
    is_superuser: bool = False
    welcome_post: bool = True
    """Whether the user starts with a published welcome post."""


class RegisterUser:
    """Create a user and (unless the command says not to) their published welcome post in
    one transaction; with
    ``execute_and_log_in``, an access token for them in the same transaction too (as
    ``Authenticate`` would issue, without hashing the password twice).

    The password is hashed before the transaction begins, so no connection waits on it.
    Raises ``EmailOrUsernameRegistered`` when the email (case-insensitively) or the username
    is taken, also when two registrations race; ``InvalidValue`` for data that breaks a rule.
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        hasher: PasswordHasher,
        clock: Clock,
        token_ttl: timedelta = timedelta(hours=1),
    ) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._clock = clock
        self._token_ttl = token_ttl

    async def execute(self, command: RegisterUserCommand) -> UserDTO:
        user, _ = await self._register(command, log_in=False)
        return user

    async def execute_and_log_in(self, command: RegisterUserCommand) -> tuple[UserDTO, IssuedToken]:
        user, issued = await self._register(command, log_in=True)
        assert issued is not None
        return user, issued

    async def _register(self, command: RegisterUserCommand, *, log_in: bool) -> tuple[UserDTO, IssuedToken | None]:
        hashed_password = await self._hasher.hash(command.password)
        now = self._clock.now()
        secret = new_token_secret() if log_in else None

        async def register(uow: UnitOfWork) -> User:
            user = User.register(
                email=command.email,
                username=command.username,
                hashed_password=hashed_password,
                full_name=command.full_name,
                is_superuser=command.is_superuser,
                now=now,
            )
            await uow.users.add(user)
            assert user.id is not None
            if command.welcome_post:
                await uow.posts.add(Post.welcome(author_id=user.id, username=user.username, now=now))
            if secret is not None:
                await uow.tokens.add(token_for(secret, user.id, now, self._token_ttl))
            await uow.commit()
            return user

        try:
            user = UserDTO.from_entity(await in_transaction(self._uow_factory, register))
        except EmailOrUsernameTaken as taken:
            raise EmailOrUsernameRegistered(taken.field) from None
        issued = (
            None
            if secret is None
            else IssuedToken(access_token=secret, expires_in=int(self._token_ttl.total_seconds()))
        )
        return user, issued
