"""A marker for 'this field was not given' in partial updates, distinct from None."""

from enum import Enum


class Unset(Enum):
    UNSET = "UNSET"


UNSET = Unset.UNSET
