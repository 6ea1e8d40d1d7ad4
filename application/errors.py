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


class PostNotFound(NotFound):
    default_message = "Post not found"


class Conflict(ApplicationError):
    """A uniqueness rule of the store refused the change."""

    default_message = "Conflict"


class EmailOrUsernameTaken(Conflict):
    default_message = "Email or username already taken"


class AlreadyFollowing(Conflict):
    default_message = "Already following"


class InvalidCredentials(ApplicationError):
    default_message = "Incorrect username or password"


class NotAuthenticated(ApplicationError):
    default_message = "Not authenticated"


class PermissionDenied(ApplicationError):
    default_message = "Not enough permissions"


class UnitOfWorkMisuse(RuntimeError):
    """A programming error: a unit of work entered twice, or used outside its ``async with``."""
