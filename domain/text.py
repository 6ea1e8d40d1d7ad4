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


# The one letter whose full lowercase is two characters; its simple lowercase is "i".
_DOTTED_CAPITAL_I = "\u0130"


def fold_case(text: str) -> str:
    """Case-insensitive comparison key: each character's simple lowercase mapping.

    This is what PostgreSQL's lower() does in a UTF-8 locale (and what the SQLite adapter
    installs as lower()), so uniqueness, login and search fold case identically on every
    backend. Python's str.lower differs in two places: 'İ' becomes two characters, and a
    final capital sigma becomes 'ς'; folding character by character avoids both.
    """
    return "".join("i" if ch == _DOTTED_CAPITAL_I else ch.lower() for ch in text)
