"""Who is calling, and what proves it."""

from __future__ import annotations

from dataclasses import dataclass

from application.views import UserDTO


@dataclass(frozen=True, slots=True, kw_only=True)
class Credentials:
    """What login needs to know about a user, and no more."""

    user_id: int
    hashed_password: str
    is_active: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedToken:
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """The authenticated caller of a use case."""

    id: int
    is_superuser: bool

    @classmethod
    def of(cls, user: UserDTO) -> Actor:
        """The user as a caller, with the rights they have."""
        return cls(id=user.id, is_superuser=user.is_superuser)

    def may_manage(self, user_id: int) -> bool:
        return self.is_superuser or self.id == user_id
