"""Opaque bearer tokens: random secrets handed out once, kept only as a hash."""

import hashlib
import secrets
from datetime import datetime, timedelta

from domain.tokens import AccessToken

_TOKEN_BYTES = 32


def new_token_secret() -> str:
    return secrets.token_urlsafe(_TOKEN_BYTES)


def hash_token(secret: str) -> str:
    """SHA-256 suffices: the secret has 256 random bits, so no slow hash is needed."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def token_for(secret: str, user_id: int, now: datetime, ttl: timedelta) -> AccessToken:
    """The stored form of a token issued to ``user_id`` at ``now`` for ``ttl``."""
    return AccessToken(token_hash=hash_token(secret), user_id=user_id, created_at=now, expires_at=now + ttl)
