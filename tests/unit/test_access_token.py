"""The AccessToken entity: valid strictly before its expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.tokens import hash_token, new_token_secret
from domain.tokens import AccessToken

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def a_token() -> AccessToken:
    return AccessToken(token_hash="h", user_id=1, created_at=T0, expires_at=T0 + timedelta(hours=1))


def test_a_token_is_valid_until_just_before_it_expires() -> None:
    token = a_token()

    assert token.is_valid_at(T0)
    assert token.is_valid_at(T0 + timedelta(hours=1) - timedelta(microseconds=1))


def test_a_token_is_no_longer_valid_at_or_after_its_expiry() -> None:
    token = a_token()

    assert not token.is_valid_at(T0 + timedelta(hours=1))
    assert not token.is_valid_at(T0 + timedelta(days=1))


def test_new_token_secrets_are_long_random_and_distinct() -> None:
    secrets = {new_token_secret() for _ in range(50)}

    assert len(secrets) == 50
    assert all(len(secret) >= 43 for secret in secrets)


def test_a_token_hash_is_stable_and_never_the_secret_itself() -> None:
    secret = new_token_secret()

    assert hash_token(secret) == hash_token(secret)
    assert hash_token(secret) != secret
    assert secret not in hash_token(secret)
    assert hash_token(secret) != hash_token(new_token_secret())
