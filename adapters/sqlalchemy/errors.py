"""Turns the store's refusals into application errors, keyed by constraint name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from application.errors import AlreadyFollowing, ApplicationError, EmailOrUsernameTaken

# PostgreSQL names the violated constraint; SQLite names an expression index, or the
# column for a plain one. Both forms are listed.
_UNIQUE_RULES: tuple[tuple[tuple[str, ...], type[ApplicationError]], ...] = (
    (("uq_users_email_lower",), EmailOrUsernameTaken),
    (("uq_users_username", "users.username"), EmailOrUsernameTaken),
    (("uq_follows_follower_id_followee_id", "follows.follower_id, follows.followee_id"), AlreadyFollowing),
)


@contextmanager
def constraint_errors() -> Iterator[None]:
    """Re-raise an ``IntegrityError`` on a known constraint as its application error;
    an unexpected one propagates unchanged."""
    try:
        yield
    except IntegrityError as error:
        message = str(error.orig)
        for markers, application_error in _UNIQUE_RULES:
            if any(marker in message for marker in markers):
                raise application_error() from error
        raise
