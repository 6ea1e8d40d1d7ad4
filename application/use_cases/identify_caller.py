from __future__ import annotations

from application.errors import NotAuthenticated
from application.ports.clock import Clock
from application.ports.readers import CredentialsReader
from application.tokens import hash_token
from application.views import UserDTO


class IdentifyCaller:
    """Resolve a bearer token to its active owner.

    Raises ``NotAuthenticated`` when the token is unknown, expired, revoked, or its owner
    is inactive or deleted.
    """

    def __init__(self, credentials: CredentialsReader, clock: Clock) -> None:
        self._credentials = credentials
        self._clock = clock

    async def execute(self, token: str) -> UserDTO:
        user = await self._credentials.user_for_token(hash_token(token), self._clock.now())
        if user is None:
            raise NotAuthenticated()
        return user
