"""Opaque bearer tokens: random secrets handed out once, kept only as a hash."""

import hashlib
import secrets

_TOKEN_BYTES = 32


def new_token_secret() -> str:
    return secrets.token_urlsafe(_TOKEN_BYTES)


def hash_token(secret: str) -> str:
    """SHA-256 suffices: the secret has 256 random bits, so no slow hash is needed."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
