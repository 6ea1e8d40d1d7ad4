"""Errors the use cases raise; the HTTP entrypoint maps each class to a status once."""


class ApplicationError(Exception):
    """Base class; ``str(error)`` is a message safe to show a client."""

    default_message = "Request failed"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class InvalidRequest(ApplicationError):
    """The request contradicts itself (e.g. transferring a user's posts to that same user)."""

    default_message = "Invalid request"


class NotFound(ApplicationError):
    default_message = "Not found"


class UserNotFound(NotFound):
    default_message = "User not found"


class CommentNotFound(NotFound):
    default_message = "Comment not found"


class PostNotFound(NotFound):
    default_message = "Post not found"


class Conflict(ApplicationError):
    """A uniqueness rule of the store refused the change."""

    default_message = "Conflict"


class EmailOrUsernameTaken(Conflict):
    default_message = "Email or username already taken"
    field: str | None = None
    """Which one is taken ("email" or "username"), where the store says."""


class EmailTaken(EmailOrUsernameTaken):
    field = "email"


class UsernameTaken(EmailOrUsernameTaken):
    field = "username"


class AlreadyFollowing(Conflict):
    default_message = "Already following"


class SlugTaken(Conflict):
    default_message = "Another post took this slug at the same moment; try again"


class InvalidCredentials(ApplicationError):
    default_message = "Incorrect username or password"


class TooManyLoginAttempts(ApplicationError):
    """Too many failed logins for this login name (or from this client address) within the
    window; attempts are refused, the right password included, for ``retry_after_seconds``."""

    default_message = "Too many login attempts"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__()
        self.retry_after_seconds = retry_after_seconds


class NotAuthenticated(ApplicationError):
    default_message = "Not authenticated"


class PermissionDenied(ApplicationError):
    default_message = "Not enough permissions"


class UnitOfWorkMisuse(RuntimeError):
    """A programming error: a unit of work entered twice, or used outside its ``async with``."""


class ConcurrentChange(ApplicationError):
    """The store aborted the transaction to keep concurrent ones serialisable (a
    serialization failure or a deadlock). Nothing was saved; the work may run again."""

    default_message = "The change collided with a concurrent one; retry"


class StorageUnavailable(ApplicationError):
    """The store cannot serve right now: unreachable, restarting, out of connections.
    Raised by the adapters, named by what the driver reports, never by message text."""

    default_message = "Database unavailable, retry shortly"


class ConnectionLost(StorageUnavailable):
    """The transaction's connection failed before COMMIT was sent (or could not be opened):
    the server rolled everything back, so the same work may safely run again."""


class CommitOutcomeUnknown(StorageUnavailable):
    """The connection failed while COMMIT was under way: the change may or may not have
    been saved, so the work must not run again on its own."""


class PoolExhausted(StorageUnavailable):
    """No connection became free within the pool timeout."""

    default_message = "Database unavailable: no connection free, retry shortly"


class StorageTimeout(StorageUnavailable):
    """A statement ran past the configured statement timeout and was cancelled."""

    default_message = "Database statement timed out"
