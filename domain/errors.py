"""Errors raised when an entity's invariant would be broken."""


class DomainError(Exception):
    """Base class for broken domain rules."""


class InvalidValue(DomainError):
    """A value does not satisfy an entity's rule; ``field`` names the attribute."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
