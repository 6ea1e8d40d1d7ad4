"""Query parameters shared by every listing."""

from typing import Annotated

from fastapi import Query

# Offsets past a 32-bit integer could never match a row; refusing them keeps the
# database from being asked to skip absurd amounts.
MAX_SKIP = 2**31 - 1
Skip = Annotated[int, Query(ge=0, le=MAX_SKIP)]
