"""Pure ASGI middleware: cheap enough for every request."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
TOO_LARGE = "Request body too large (limit 1 MiB)"


class RequestHygiene:
    """Serve ``/path/`` exactly as ``/path`` (no redirect, no second route), and refuse a
    query string that is not UTF-8 with a 400, where Starlette would quietly replace the
    bad bytes with U+FFFD and search for something the client never sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query: bytes = scope["query_string"]
            if query and (b"%" in query or not query.isascii()) and not _is_utf8(query):
                await _refuse(send, 400, "Query string is not valid UTF-8")
                return
            path: str = scope["path"]
            if len(path) > 1 and path.endswith("/"):
                scope = dict(scope, path=path.rstrip("/") or "/")
        await self.app(scope, receive, send)


def _is_utf8(query: bytes) -> bool:
    try:
        unquote_to_bytes(query.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class BodySizeLimit:
    """Answer 413 to a body over ``max_bytes``, whether announced or streamed.

    A body is read whole before the app sees it (it is at most ``max_bytes``), so the
    app never starts work on a request it will have to refuse.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _refuse(send, 413, TOO_LARGE)
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _refuse(send, 413, TOO_LARGE)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class MethodNotAllowed:
    """405 answers whose ``Allow`` names every method the OpenAPI document gives the path.

    Starlette answers 405 from the first route whose path matches and lists that route's
    methods alone (``Allow: GET`` for ``/posts/1``, which also takes PATCH and DELETE). And a
    method that a literal path lacks would reach a templated route that never meant that
    path (``PATCH /users/search`` is no ``PATCH /users/{user_id}``): a literal path wins, as
    in OpenAPI, so that answers 405 too. Costs a dict look-up per request; templates are
    only searched for a 405. ``openapi`` is the app's (cached) document, read at the first
    request, once every route is in place.
    """

    def __init__(self, app: ASGIApp, openapi: Callable[[], dict[str, Any]]) -> None:
        self.app = app
        self._openapi = openapi
        self._paths: _DocumentedPaths | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._paths is None:
            self._paths = _DocumentedPaths(self._openapi())
        paths = self._paths
        literal = paths.literal.get(scope["path"])
        if literal is not None and scope["method"] not in literal:
            await _refuse(send, 405, "Method Not Allowed", [(b"allow", _allow(literal))])
            return

        async def send_full_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                methods = paths.methods_of(scope["path"])
                if methods:
                    MutableHeaders(scope=message)["allow"] = _allow(methods).decode()
            await send(message)

        await self.app(scope, receive, send_full_allow)


class _DocumentedPaths:
    """The methods of each path of an OpenAPI document (FastAPI's routes serve no implicit HEAD)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.literal: dict[str, frozenset[str]] = {}
        self.templates: list[tuple[re.Pattern[str], int, frozenset[str]]] = []
        for path, item in document.get("paths", {}).items():
            methods = frozenset(method.upper() for method in item if method in _OPENAPI_METHODS)
            parameters = path.count("{")
            if parameters == 0:
                self.literal[path] = methods
            pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
            self.templates.append((pattern, parameters, methods))

    def methods_of(self, path: str) -> frozenset[str]:
        """The methods of the most literal paths matching ``path`` (fewest parameters)."""
        matching = [(parameters, methods) for pattern, parameters, methods in self.templates if pattern.match(path)]
        if not matching:
            return frozenset()
        fewest = min(parameters for parameters, _ in matching)
        return frozenset().union(*(methods for parameters, methods in matching if parameters == fewest))


_OPENAPI_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _allow(methods: frozenset[str]) -> bytes:
    return ", ".join(sorted(methods)).encode()


async def _refuse(send: Send, status: int, detail: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
