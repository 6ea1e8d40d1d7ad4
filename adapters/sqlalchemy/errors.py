"""Names the store's failures as application errors: by SQLSTATE on PostgreSQL, by SQLite's
result code, and by constraint name for the rules of the schema. Never by message text,
except where SQLite names a constraint only in its message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SqlAlchemyPoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from application.errors import (
    AlreadyFollowing,
    ApplicationError,
    CommitOutcomeUnknown,
    ConcurrentChange,
    ConnectionLost,
    EmailTaken,
    PoolExhausted,
    PostNotFound,
    SlugTaken,
    StorageTimeout,
    StorageUnavailable,
    UsernameTaken,
    UserNotFound,
)

# PostgreSQL names the violated constraint; SQLite names an expression index, or the
# columns of a plain one, in its message.
_UNIQUE_RULES: tuple[tuple[tuple[str, ...], type[ApplicationError]], ...] = (
    (("uq_users_email_lower",), EmailTaken),
    (("uq_users_username", "users.username"), UsernameTaken),
    (("uq_follows_follower_id_followee_id", "follows.follower_id, follows.followee_id"), AlreadyFollowing),
    (("uq_posts_slug", "posts.slug"), SlugTaken),
)
# A row referred to vanished under a concurrent delete. SQLite serialises writers, so only
# PostgreSQL, which names the constraint, gets here.
_FOREIGN_KEY_RULES: dict[str, type[ApplicationError]] = {
    "fk_posts_author_id_users": UserNotFound,
    "fk_comments_post_id_posts": PostNotFound,
    "fk_comments_author_id_users": UserNotFound,
    "fk_follows_follower_id_users": UserNotFound,
    "fk_follows_followee_id_users": UserNotFound,
    "fk_access_tokens_user_id_users": UserNotFound,
    "fk_post_tags_post_id_posts": PostNotFound,
    "fk_favorites_post_id_posts": PostNotFound,
    "fk_favorites_user_id_users": UserNotFound,
}

UNIQUE_VIOLATION, FOREIGN_KEY_VIOLATION = "23505", "23503"
_CONCURRENT = frozenset({"40001", "40P01"})  # serialization failure, deadlock
_QUERY_CANCELED = "57014"  # statement_timeout, or a cancel request
# The connection is gone, or the server will not keep it: class 08 (connection exception),
# administrator or crash shutdown, cannot connect now (starting or shutting down), and a
# server that became read-only under a failover. Nothing was committed on it.
_CONNECTION_LOST_STATES = frozenset({"57P01", "57P02", "57P03", "25006"})
_INSUFFICIENT_RESOURCES = "53"  # too many connections, out of memory or disk
_SQLITE_BUSY = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})
_SQLITE_UNAVAILABLE = frozenset({"SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_READONLY"})


def storage_error(error: BaseException, *, committing: bool = False) -> ApplicationError | None:
    """The application error that a driver or SQLAlchemy exception stands for, or None when
    it is none of the store's known failures (a bug, to be answered as one).

    ``committing``: the failure came while COMMIT was under way, so a lost connection leaves
    the outcome unknown."""
    if isinstance(error, ApplicationError):
        return None
    if isinstance(error, SqlAlchemyPoolTimeout):
        return PoolExhausted()
    if isinstance(error, StaleDataError):
        # A row the unit of work loaded was deleted before its UPDATE ran. Run again, the
        # work finds the row gone and answers as for any missing row.
        return ConcurrentChange()
    if isinstance(error, DBAPIError):
        named = _named(error.orig)
        if named is None and error.connection_invalidated:
            named = ConnectionLost()
    elif isinstance(error, OSError):  # refused, unreachable, reset: raised raw while connecting
        named = ConnectionLost()
    else:  # the driver's own exception, raised raw while connecting
        named = _named(error)
    if committing and isinstance(named, ConnectionLost):
        return CommitOutcomeUnknown()
    return named


@contextmanager
def storage_errors(*, committing: bool = False) -> Iterator[None]:
    """Re-raise the store's failures inside the block as their application errors."""
    try:
        yield
    except Exception as error:
        named = storage_error(error, committing=committing)
        if named is None:
            raise
        raise named from error


def _named(driver_error: BaseException | None) -> ApplicationError | None:
    if driver_error is None:
        return None
    sqlite_name = getattr(driver_error, "sqlite_errorname", None)
    if isinstance(sqlite_name, str):
        return _sqlite(sqlite_name, str(driver_error))
    state = getattr(driver_error, "sqlstate", None)
    if not isinstance(state, str):
        return None
    if state == UNIQUE_VIOLATION:
        return _unique_rule(_constraint_name(driver_error))
    if state == FOREIGN_KEY_VIOLATION:
        rule = _FOREIGN_KEY_RULES.get(_constraint_name(driver_error))
        return None if rule is None else rule()
    if state in _CONCURRENT:
        return ConcurrentChange()
    if state == _QUERY_CANCELED:
        return StorageTimeout()
    if state.startswith("08") or state in _CONNECTION_LOST_STATES:
        return ConnectionLost()
    if state.startswith(_INSUFFICIENT_RESOURCES):
        return StorageUnavailable()
    return None


def _constraint_name(driver_error: BaseException) -> str:
    """asyncpg's exception carries the name; SQLAlchemy's adaptation of it keeps asyncpg's as its cause."""
    for candidate in (driver_error, driver_error.__cause__):
        name = getattr(candidate, "constraint_name", None)
        if isinstance(name, str):
            return name
    return ""


def _unique_rule(marker: str) -> ApplicationError | None:
    for markers, application_error in _UNIQUE_RULES:
        if any(m in marker for m in markers):
            return application_error()
    return None


def _sqlite(result_name: str, message: str) -> ApplicationError | None:
    if result_name == "SQLITE_CONSTRAINT_UNIQUE":
        return _unique_rule(message)
    if result_name in _SQLITE_BUSY:
        return StorageUnavailable("Database busy, retry shortly")
    if result_name in _SQLITE_UNAVAILABLE:
        return StorageUnavailable()
    return None
