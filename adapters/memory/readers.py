from __future__ import annotations

from datetime import datetime

from adapters.memory.store import InMemoryStore
from application.dto import Credentials, Page, PostDTO, UserDTO, UserWithPostsDTO
from application.ports.readers import CredentialsReader, UserReader
from domain.users import is_email_login


class InMemoryUserReader(UserReader):
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def get(self, user_id: int) -> UserDTO | None:
        user = self._store.committed.users.get(user_id)
        return None if user is None else UserDTO.from_entity(user)

    async def list_page(self, page: Page, *, active_only: bool) -> list[UserDTO]:
        users = list(self._store.committed.users.values())
        if active_only:
            users = sorted((u for u in users if u.is_active), key=lambda u: (u.created_at, u.id or 0), reverse=True)
        else:
            users.sort(key=lambda u: u.id or 0)
        return [UserDTO.from_entity(u) for u in users[page.skip : page.skip + page.limit]]

    async def search(self, query: str, page: Page) -> list[UserDTO]:
        needle = query.lower()
        found = [
            u
            for u in sorted(self._store.committed.users.values(), key=lambda u: u.id or 0)
            if needle in u.email.lower() or needle in u.username.lower() or needle in (u.full_name or "").lower()
        ]
        return [UserDTO.from_entity(u) for u in found[page.skip : page.skip + page.limit]]

    async def get_with_posts(self, user_id: int) -> UserWithPostsDTO | None:
        tables = self._store.committed
        user = tables.users.get(user_id)
        if user is None:
            return None
        posts = sorted((p for p in tables.posts.values() if p.author_id == user_id), key=lambda p: p.id or 0)
        return UserWithPostsDTO(user=UserDTO.from_entity(user), posts=[PostDTO.from_entity(p) for p in posts])


class InMemoryCredentialsReader(CredentialsReader):
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def find_credentials(self, login: str) -> Credentials | None:
        if is_email_login(login):
            wanted = login.lower()
            match = [u for u in self._store.committed.users.values() if u.email.lower() == wanted]
        else:
            match = [u for u in self._store.committed.users.values() if u.username == login]
        if not match or match[0].id is None:
            return None
        user = match[0]
        return Credentials(user_id=match[0].id, hashed_password=user.hashed_password, is_active=user.is_active)

    async def user_for_token(self, token_hash: str, now: datetime) -> UserDTO | None:
        tables = self._store.committed
        token = tables.tokens.get(token_hash)
        if token is None or not token.is_valid_at(now):
            return None
        user = tables.users.get(token.user_id)
        return UserDTO.from_entity(user) if user is not None and user.is_active else None
