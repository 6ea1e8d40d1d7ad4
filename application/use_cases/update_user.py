from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.auth import Actor
from application.errors import PermissionDenied, UserNotFound
from application.ports.clock import Clock
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.transactions import in_transaction
from application.unset import UNSET, Unset
from application.views import UserDTO
from domain.users import User


@dataclass(frozen=True, kw_only=True)
class UpdateUserCommand:
    """Fields left ``UNSET`` do not change."""

    actor: Actor
    user_id: int
    email: str | Unset = UNSET
    username: str | Unset = UNSET
    full_name: str | Unset | None = UNSET
    bio: str | Unset | None = UNSET
    image: str | Unset | None = UNSET
    password: str | Unset = UNSET
    is_active: bool | Unset = UNSET


class UpdateUser:
    """Change some of a user's fields.

    Allowed to the user themself or a superuser (else ``PermissionDenied``); only a
    superuser may change ``is_active``. Raises ``UserNotFound``, ``EmailOrUsernameTaken``
    (nothing changes), ``InvalidValue``. A new password or a deactivation ends all of the
    user's tokens in the same transaction.
    """

    def __init__(self, uow_factory: Callable[[], UnitOfWork], hasher: PasswordHasher, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._clock = clock

    async def execute(self, command: UpdateUserCommand) -> UserDTO:
        if not command.actor.may_manage(command.user_id):
            raise PermissionDenied()
        if command.is_active is not UNSET and not command.actor.is_superuser:
            raise PermissionDenied("Only a superuser may change is_active")
        new_hash = None if command.password is UNSET else await self._hasher.hash(command.password)

        now = self._clock.now()

        async def update(uow: UnitOfWork) -> User:
            user = await uow.users.get(command.user_id)
            if user is None:
                raise UserNotFound()
            if command.email is not UNSET:
                user.change_email(command.email, now)
            if command.username is not UNSET:
                user.change_username(command.username, now)
            if command.full_name is not UNSET:
                user.change_full_name(command.full_name, now)
            if command.bio is not UNSET:
                user.change_bio(command.bio, now)
            if command.image is not UNSET:
                user.change_image(command.image, now)
            if new_hash is not None:
                user.change_password_hash(new_hash, now)
            if command.is_active is not UNSET:
                user.set_active(command.is_active, now)
            if new_hash is not None or not user.is_active:
                await uow.tokens.delete_for_users([command.user_id])
            await uow.commit()
            return user

        return UserDTO.from_entity(await in_transaction(self._uow_factory, update))
