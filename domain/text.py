"""Rules shared by every piece of text an entity stores."""

from domain.errors import InvalidValue


def require_text(field: str, value: str, *, min_length: int, max_length: int) -> str:
    """Return ``value`` if it is storable text of an allowed length, else raise ``InvalidValue``.

    Storable means no NUL character and no lone surrogate: PostgreSQL rejects the first,
    UTF-8 cannot encode the second.
    """
    if not min_length <= len(value) <= max_length:
        raise InvalidValue(field, f"{field} must be {min_length} to {max_length} characters long")
    if "\x00" in value:
        raise InvalidValue(field, f"{field} must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(field, f"{field} must be valid UTF-8 text") from None
    return value
