from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from application.dto import IssuedToken
from application.errors import InvalidCredentials, UserNotFound
from application.ports.clock import Clock
from application.ports.readers import CredentialsReader
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.tokens import hash_token, new_token_secret
from application.transactions import in_transaction
from domain.tokens import AccessToken


@dataclass(frozen=True, kw_only=True)
class AuthenticateCommand:
    login: str
    """An email address or a username."""
    password: str


class Authenticate:
    """Exchange a login and password for a new access token.

    The password is verified outside any transaction; the short write transaction then
    checks that the user is still active with the same password hash, stores the token's
    hash, forgets the user's expired tokens and, if the hash was made with older
    parameters, stores a fresh one. Unknown users, wrong passwords and inactive users all
    raise ``InvalidCredentials`` after the same amount of hashing work.
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        credentials: CredentialsReader,
        hasher: PasswordHasher,
        clock: Clock,
        token_ttl: timedelta,
    ) -> None:
        self._uow_factory = uow_factory
        self._credentials = credentials
        self._hasher = hasher
        self._clock = clock
        self._token_ttl = token_ttl

    async def execute(self, command: AuthenticateCommand) -> IssuedToken:
        found = await self._credentials.find_credentials(command.login)
        matches = await self._hasher.verify(found.hashed_password if found else None, command.password)
        if found is None or not matches or not found.is_active:
            raise InvalidCredentials()
        new_hash = (
            await self._hasher.hash(command.password) if self._hasher.needs_rehash(found.hashed_password) else None
        )

        now = self._clock.now()
        secret = new_token_secret()

        async def issue(uow: UnitOfWork) -> None:
            user = await uow.users.get(found.user_id)
            if user is None or not user.is_active or user.hashed_password != found.hashed_password:
                raise InvalidCredentials()
            if new_hash is not None:
                user.change_password_hash(new_hash, now)
            await uow.tokens.delete_expired(found.user_id, now)
            await uow.tokens.add(
                AccessToken(
                    token_hash=hash_token(secret),
                    user_id=found.user_id,
                    created_at=now,
                    expires_at=now + self._token_ttl,
                )
            )
            await uow.commit()

        try:
            await in_transaction(self._uow_factory, issue)
        except UserNotFound:  # the account was deleted while the token was being issued
            raise InvalidCredentials() from None
        return IssuedToken(access_token=secret, expires_in=int(self._token_ttl.total_seconds()))
