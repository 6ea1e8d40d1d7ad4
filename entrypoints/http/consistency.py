"""Consistency tokens over HTTP, for read-your-writes on lagging replicas.

A response to a request that committed carries the WAL position after its commit, as the
``X-Inkwell-Consistency`` header and a cookie of the same value; a request presenting
either (the header wins) has its reads served by a replica only once that replica has
replayed past it. Browsers send the cookie by themselves; other clients echo the header.
Installed only when replicas are configured: without them every read is on the primary."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.sqlalchemy import consistency

HEADER = "X-Inkwell-Consistency"
COOKIE = "inkwell_consistency"
COOKIE_MAX_AGE_SECONDS = 300
"""Longer than any replica may lag and still serve reads (DB_REPLICA_MAX_LAG_SECONDS)."""
_HEADER_KEY = HEADER.lower().encode("latin-1")


def _presented(scope: Scope) -> int | None:
    """The token the request presents, if it is a well-formed one."""
    cookie_header = None
    for name, value in scope["headers"]:
        if name == _HEADER_KEY:
            return consistency.parse_lsn(value.decode("latin-1"))
        if name == b"cookie":
            cookie_header = value.decode("latin-1")
    if cookie_header is None:
        return None
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except Exception:
        return None
    found = cookies.get(COOKIE)
    return None if found is None else consistency.parse_lsn(found.value)


class ConsistencyTokens:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with consistency.tracking(_presented(scope)) as tracked:

            async def send_with_token(message: Message) -> None:
                if message["type"] == "http.response.start" and tracked.wrote is not None:
                    token = consistency.format_lsn(tracked.wrote)
                    headers = MutableHeaders(scope=message)
                    headers.append(HEADER, token)
                    headers.append(
                        "Set-Cookie",
                        f"{COOKIE}={token}; Max-Age={COOKIE_MAX_AGE_SECONDS}; Path=/; HttpOnly; SameSite=Lax",
                    )
                await send(message)

            await self.app(scope, receive, send_with_token)
