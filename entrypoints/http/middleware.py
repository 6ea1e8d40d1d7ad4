"""Pure ASGI middleware: cheap enough for every request."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import unquote_to_bytes

from fastapi.routing import APIRoute
from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.direct import DirectRoutes
from entrypoints.http.metrics import Metrics, route_template
from entrypoints.logs import ACCESS_LOGGER

MAX_BODY_BYTES = 1024 * 1024
TOO_LARGE = "Request body too large (limit 1 MiB)"


def _is_utf8(query: bytes) -> bool:
    try:
        unquote_to_bytes(query.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class Edge:
    """The one pure-ASGI layer in front of the app, cheap enough for every request:

    - a query string that is not UTF-8 gets 400, where Starlette would quietly replace the
      bad bytes with U+FFFD and search for something the client never sent;
    - ``/path/`` is served exactly as ``/path`` (no redirect, no second route);
    - a body over ``max_bytes`` gets 413, whether announced or streamed; a body is read
      whole before the app sees it, so the app never starts work it will have to refuse;
    - a 405's ``Allow`` names every method the OpenAPI document gives the path. Starlette
      answers from the first route whose path matches (``Allow: GET`` for ``/posts/1``, which
      also takes PATCH and DELETE); and a method a literal path lacks would reach a
      templated route that never meant that path (``PATCH /users/search`` is no ``PATCH
      /users/{user_id}``): a literal path wins, as in OpenAPI, so that answers 405 too.
      ``openapi`` is the app's (cached) document, read at the first request;
    - a plain GET is answered by its ``DirectRoute`` when it has one (``direct``, the app's
      routes compiled at the first request; see ``entrypoints.http.direct``);
    - every request is counted and timed under its route template, and with ``access_log``
      written as one line (method, route, status, duration_ms).
    """

    def __init__(
        self,
        app: ASGIApp,
        metrics: Metrics,
        routes: Callable[[], Iterable[BaseRoute]],
        direct: Callable[[], DirectRoutes] | None = None,
        access_log: bool = False,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.max_bytes = max_bytes
        self._routes = routes
        self._paths: _DocumentedPaths | None = None
        self._compile_direct = direct
        self._direct: DirectRoutes | None = None
        self._access = logging.getLogger(ACCESS_LOGGER) if access_log else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            scope = dict(scope, path=path.rstrip("/") or "/")
        status = 500

        async def respond(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if status == 405:
                    self._allow_every_method(scope["path"], message)
            await send(message)

        try:
            await self._serve(scope, receive, respond)
        finally:
            seconds = time.perf_counter() - started
            self.metrics.observe(scope, status, seconds)
            if self._access is not None:
                self._log_access(scope, status, seconds)

    def _log_access(self, scope: Scope, status: int, seconds: float) -> None:
        assert self._access is not None
        method, route = scope["method"], route_template(scope)
        fields = {"method": method, "route": route, "status": status, "duration_ms": round(seconds * 1000, 2)}
        self._access.info("%s %s %d %.1f ms", method, route, status, fields["duration_ms"], extra=fields)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        query: bytes = scope["query_string"]
        if query and (b"%" in query or not query.isascii()) and not _is_utf8(query):
            await _refuse(send, 400, "Query string is not valid UTF-8")
            return
        literal = self._documented().literal.get(scope["path"])
        if literal is not None and scope["method"] not in literal:
            await _refuse(send, 405, "Method Not Allowed", [(b"allow", _allow(literal))])
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is None and b"transfer-encoding" not in headers:
            if scope["method"] == "GET" and self._compile_direct is not None:
                if self._direct is None:
                    self._direct = self._compile_direct()
                if await self._direct.serve(scope, receive, send):
                    return
            await self.app(scope, receive, send)
            return
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _refuse(send, 413, TOO_LARGE)
            return
        try:
            body = await self._whole_body(receive)
        except _ClientLeft:
            return
        if body is None:
            await _refuse(send, 413, TOO_LARGE)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _whole_body(self, receive: Receive) -> bytes | None:
        """The request body, or None when it is over ``max_bytes``."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _ClientLeft
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _documented(self) -> _DocumentedPaths:
        if self._paths is None:
            self._paths = _DocumentedPaths(self._routes())
        return self._paths

    def _allow_every_method(self, path: str, start: Message) -> None:
        methods = self._documented().methods_of(path)
        if methods:
            MutableHeaders(scope=start)["allow"] = _allow(methods).decode()


class _ClientLeft(Exception):
    """The client disconnected while sending its body: nobody is left to answer."""


class _DocumentedPaths:
    """The methods of each path the OpenAPI document lists (FastAPI's routes serve no
    implicit HEAD), read off the routes it is made from: generating the document itself
    cost an app's first request 0.3 s."""

    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        self.literal: dict[str, frozenset[str]] = {}
        self.templates: list[tuple[re.Pattern[str], int, frozenset[str]]] = []
        documented: dict[str, set[str]] = {}
        for route in routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                methods_of_route = {method for method in route.methods or () if method.lower() in _OPENAPI_METHODS}
                documented.setdefault(route.path_format, set()).update(methods_of_route)
        for path, methods_of_path in documented.items():
            methods = frozenset(methods_of_path)
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
