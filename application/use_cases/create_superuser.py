from __future__ import annotations

from dataclasses import dataclass

from application.use_cases.register_user import RegisterUser, RegisterUserCommand
from application.views import UserDTO


@dataclass(frozen=True, kw_only=True)
class CreateSuperuserCommand:
    email: str
    username: str
    password: str


class CreateSuperuser:
    """Register a superuser (the operator's CLI path); same rules and errors as ``RegisterUser``."""

    def __init__(self, register_user: RegisterUser) -> None:
        self._register_user = register_user

    async def execute(self, command: CreateSuperuserCommand) -> UserDTO:
        return await self._register_user.execute(
            RegisterUserCommand(
                email=command.email, username=command.username, password=command.password, is_superuser=True
            )
        )
