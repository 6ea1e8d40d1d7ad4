from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from application.auth import IssuedToken
from application.errors import InvalidCredentials, TooManyLoginAttempts, UserNotFound
from application.ports.clock import Clock
from application.ports.login_throttle import LoginThrottle
from application.ports.readers import CredentialsReader
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.tokens import new_token_secret, token_for
from application.transactions import in_transaction
from domain.text import fold_case


@dataclass(frozen=True, kw_only=True)
class AuthenticateCommand:
    login: str
    """An email address or a username."""
    password: str
    client_address: str | None = None
    """Where the attempt came from, for the per-address throttle (None: unknown)."""


class Authenticate:
    """Exchange a login and password for a new access token.

    The password is verified outside any transaction; the short write transaction then
    checks that the user is still active with the same password hash, stores the token's
    hash, forgets the user's expired tokens and, if the hash was made with older
    parameters, stores a fresh one. Unknown users, wrong passwords and inactive users all
    raise ``InvalidCredentials`` after the same amount of hashing work.

    Before any of that, the throttles count the attempt against the case-folded login name
    (``throttle``) and the client's address (``address_throttle``); either can refuse it
    with ``TooManyLoginAttempts``, which costs no lookup and no hashing. A wrong password
    leaves the attempt counted; a success clears the name's count and gives the address its
    count back; any other failure (the store's) gives both back. Without a throttle,
    nothing is counted.
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        credentials: CredentialsReader,
        hasher: PasswordHasher,
        clock: Clock,
        token_ttl: timedelta,
        throttle: LoginThrottle | None = None,
        address_throttle: LoginThrottle | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._credentials = credentials
        self._hasher = hasher
        self._clock = clock
        self._token_ttl = token_ttl
        self._throttle = throttle
        self._address_throttle = address_throttle

    async def execute(self, command: AuthenticateCommand) -> IssuedToken:
        name = fold_case(command.login)
        counted = await self._count_attempt(name, command.client_address)
        try:
            issued = await self._log_in(command)
        except InvalidCredentials:
            raise  # a failed attempt: it stays counted
        except Exception:
            for throttle, key in counted:
                await throttle.release(key)
            raise
        for throttle, key in counted:
            if throttle is self._throttle:
                await throttle.clear(key)  # a success clears the name's failures
            else:
                await throttle.release(key)  # but not those of everyone else behind the address
        return issued

    async def _count_attempt(self, name: str, address: str | None) -> list[tuple[LoginThrottle, str]]:
        """Count the attempt by every throttle that applies, or refuse it (and count it by none)."""
        counted: list[tuple[LoginThrottle, str]] = []
        for throttle, key in ((self._throttle, name), (self._address_throttle, address)):
            if throttle is None or key is None:
                continue
            retry_after = await throttle.check(key)
            if retry_after is not None:
                for earlier, earlier_key in counted:
                    await earlier.release(earlier_key)
                raise TooManyLoginAttempts(retry_after)
            counted.append((throttle, key))
        return counted

    async def _log_in(self, command: AuthenticateCommand) -> IssuedToken:
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
            await uow.tokens.add(token_for(secret, found.user_id, now, self._token_ttl))
            await uow.commit()

        try:
            await in_transaction(self._uow_factory, issue)
        except UserNotFound:  # the account was deleted while the token was being issued
            raise InvalidCredentials() from None
        return IssuedToken(access_token=secret, expires_in=int(self._token_ttl.total_seconds()))
