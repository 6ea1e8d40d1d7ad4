from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.errors import EmailOrUsernameTaken
from application.ports.clock import Clock
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from application.views import UserDTO
from domain.posts import Post
from domain.users import User


class EmailOrUsernameRegistered(EmailOrUsernameTaken):
    default_message = "Email or username already registered"


@dataclass(frozen=True, kw_only=True)
class RegisterUserCommand:
    email: str
    username: str
    password: str
    full_name: str | None = None
    is_superuser: bool = False


class RegisterUser:
    """Create a user and their published welcome post in one transaction.

    The password is hashed before the transaction begins, so no connection waits on it.
    Raises ``EmailOrUsernameRegistered`` when the email (case-insensitively) or the username
    is taken, also when two registrations race; ``InvalidValue`` for data that breaks a rule.
    """

    def __init__(self, uow_factory: Callable[[], UnitOfWork], hasher: PasswordHasher, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._clock = clock

    async def execute(self, command: RegisterUserCommand) -> UserDTO:
        hashed_password = await self._hasher.hash(command.password)
        now = self._clock.now()

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
            await uow.posts.add(Post.welcome(author_id=user.id, username=user.username, now=now))
            await uow.commit()
            return user

        try:
            return UserDTO.from_entity(await in_transaction(self._uow_factory, register))
        except EmailOrUsernameTaken:
            raise EmailOrUsernameRegistered() from None
