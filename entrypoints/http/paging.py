"""Query parameters shared by every listing, and the answer every listing gives."""

from collections.abc import Sequence
from typing import Annotated, Any, Protocol
from urllib.parse import quote, urlencode

from fastapi import Query, Request

from application.queries import Page
from entrypoints.http.responses import JSONBytes

# Offsets past a 32-bit integer could never match a row; refusing them keeps the
# database from being asked to skip absurd amounts.
MAX_SKIP = 2**31 - 1
Skip = Annotated[int, Query(ge=0, le=MAX_SKIP)]
# Ids are 32-bit integers. 0 (no row has it) is the beginning of any list, in either order.
MAX_AFTER_ID = 2**31 - 1
AfterId = Annotated[
    int,
    Query(
        ge=0,
        le=MAX_AFTER_ID,
        description="Start after the item with this id, in the list's own order (applied before `skip`); "
        "0, the default, starts at the beginning. The `Link` header of a full page names the next one.",
    ),
]
_PAGING = frozenset({"skip", "after_id"})


class Listed(Protocol):
    @property
    def id(self) -> int: ...


def page_answer(request: Request, page: Page, items: Sequence[Listed], body: Any = None) -> JSONBytes:
    """The answer to a list request: ``body`` (by default the ``items`` themselves) as JSON,
    and, when the page is full, ``Link: <...>; rel="next"``: the same request with
    ``after_id`` set to the last item's id and no ``skip``."""
    content = items if body is None else body
    if len(items) < page.limit:
        return JSONBytes(content)
    return JSONBytes(content, headers={"Link": f'<{next_page(request, items[-1].id)}>; rel="next"'})


def next_page(request: Request, after_id: int) -> str:
    """This request's path and query, with ``after_id`` and without ``skip``: a relative
    reference, so nothing depends on the Host header the client sent."""
    kept = [(name, value) for name, value in request.query_params.multi_items() if name not in _PAGING]
    return f"{quote(request.scope['path'])}?{urlencode([*kept, ('after_id', after_id)])}"
