"""Readers: the read side. They return DTOs, never entities, and change nothing."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from application.dto import Credentials, Page, UserDTO, UserWithPostsDTO


class UserReader(ABC):
    """Queries over users; each call sees one consistent state of the store."""

    @abstractmethod
    async def get(self, user_id: int) -> UserDTO | None:
        """One user, or None."""

    @abstractmethod
    async def list_page(self, page: Page, *, active_only: bool) -> list[UserDTO]:
        """Users ordered by id; with ``active_only``, active users only, newest first."""

    @abstractmethod
    async def search(self, query: str, page: Page) -> list[UserDTO]:
        """Users whose email, username or full name contains ``query`` (case-insensitive,
        ``%``, ``_`` and ``\\`` match themselves), ordered by id."""

    @abstractmethod
    async def get_with_posts(self, user_id: int) -> UserWithPostsDTO | None:
        """One user with all their posts ordered by id, or None."""


class CredentialsReader(ABC):
    """What authentication reads. Always answers from the primary store."""

    @abstractmethod
    async def find_credentials(self, login: str) -> Credentials | None:
        """The user whose email (case-insensitive, if ``login`` holds '@') or username is ``login``."""

    @abstractmethod
    async def user_for_token(self, token_hash: str, now: datetime) -> UserDTO | None:
        """The active user owning an unexpired token with this hash, or None."""
