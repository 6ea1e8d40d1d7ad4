"""Plain public reads, served without FastAPI's per-request machinery.

On every request FastAPI passes five middleware layers, matches routes, wraps the endpoint in
two exception handlers and solves its parameters through pydantic: on this machine that was
a third of a read of one user, and more than the database's part (measured). Yet most reads
are plain: ``GET /api/v1/users/42``, ``?skip=20&limit=20``.

So each GET route whose parameters are all simple (integers and booleans in its path or query,
with the bounds their declarations give; the ``Request``; the optional viewer; its use
cases, resolved as FastAPI would) is compiled
once into a ``DirectRoute``. A request it can take whole (every value spelt the plain way and
within bounds, no credentials, no body) calls the route's own endpoint, and the answer or the
error it raises is mapped by the app's own exception handlers. Anything else (a value to
validate, an error to explain, a token to check) goes on to FastAPI, which answers exactly as
documented. A contract test holds both ways byte for byte equal.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import NoneType, UnionType
from typing import Any, Union

from annotated_types import Ge, Le
from fastapi import FastAPI, Request, Response
from fastapi.params import Depends, Path, Query
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from entrypoints.http.dependencies import optional_actor
from entrypoints.http.use_cases import Provided

_MAX_DIGITS = 10
_NOT_GIVEN = object()
Arguments = dict[str, Any]


class NotPlain(Exception):
    """The request needs FastAPI: a value to validate or refuse, or credentials to check."""


def _integer(text: str) -> int:
    # Digits only, without a leading zero: whatever else pydantic accepts or refuses, it
    # does itself.
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_DIGITS or (text[0] == "0" and text != "0"):
        raise NotPlain
    return int(text)


def _boolean(text: str) -> bool:
    if text == "true":
        return True
    if text == "false":
        return False
    raise NotPlain


@dataclass(frozen=True)
class _Value:
    """One path or query parameter: how to read it, its bounds and its default."""

    name: str
    parse: Callable[[str], int | bool]
    low: int | None = None
    high: int | None = None
    default: Any = _NOT_GIVEN

    def read(self, text: str | None) -> Any:
        if text is None:
            if self.default is _NOT_GIVEN:
                raise NotPlain
            return self.default
        value = self.parse(text)
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise NotPlain
        return value


class DirectRoute:
    """One route's endpoint, called with arguments read straight from the request."""

    def __init__(
        self,
        route: APIRoute,
        path_values: list[_Value],
        query_values: list[_Value],
        viewer_name: str | None,
        request_name: str | None,
        provided: dict[str, Provided],
    ) -> None:
        self.route = route
        self._provided = provided
        self._path_values = path_values
        self._query_values = {value.name: value for value in query_values}
        self._viewer_name = viewer_name
        self._request_name = request_name

    def arguments(self, path_params: Mapping[str, str], request: Request) -> Arguments:
        """The endpoint's arguments; ``NotPlain`` when FastAPI must read them."""
        arguments: Arguments = {}
        if self._viewer_name is not None:
            if _has_credentials(request.scope):
                raise NotPlain  # a token to check
            arguments[self._viewer_name] = None  # anonymous
        for value in self._path_values:
            arguments[value.name] = value.read(path_params[value.name])
        given = _query(request.scope["query_string"])
        for name, value in self._query_values.items():
            arguments[name] = value.read(given.get(name))
        if self._request_name is not None:
            arguments[self._request_name] = request
        for name, dependency in self._provided.items():
            arguments[name] = dependency.resolve(request)
        return arguments

    async def __call__(self, arguments: Arguments) -> Response:
        response: Response = await self.route.endpoint(**arguments)
        return response


def _query(query: bytes) -> dict[str, str]:
    """The query's keys and values, when each key comes once and nothing is escaped."""
    if not query:
        return {}
    if b"%" in query or b"+" in query or not query.isascii():
        raise NotPlain
    found: dict[str, str] = {}
    for pair in query.decode("ascii").split("&"):
        key, _, value = pair.partition("=")
        if key in found:
            raise NotPlain
        found[key] = value
    return found


class DirectRoutes:
    """The app's routes in FastAPI's order, each with its ``DirectRoute`` if it has one."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._routes: list[tuple[re.Pattern[str], frozenset[str], DirectRoute | None]] = []
        for route in app.router.routes:
            path_regex: re.Pattern[str] | None = getattr(route, "path_regex", None)
            if path_regex is None:
                continue
            methods = frozenset(getattr(route, "methods", None) or ())
            self._routes.append((path_regex, methods, compile_direct(route)))

    @property
    def compiled(self) -> list[DirectRoute]:
        return [direct for _, _, direct in self._routes if direct is not None]

    def find(self, scope: Scope) -> tuple[DirectRoute, dict[str, str]] | None:
        """The direct route FastAPI would pick for this GET, with its path parameters; None
        when FastAPI would pick a route that has none."""
        if scope.get("root_path"):
            return None
        path = scope["path"]
        for path_regex, methods, direct in self._routes:
            found = path_regex.match(path)
            if found is not None and "GET" in methods:
                return None if direct is None else (direct, found.groupdict())
        return None

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer a plain GET; False (nothing sent) when FastAPI must."""
        found = self.find(scope)
        if found is None:
            return False
        direct, path_params = found
        request = Request(scope, receive)
        try:
            arguments = direct.arguments(path_params, request)
        except NotPlain:
            return False
        scope["route"] = direct.route
        scope["endpoint"] = direct.route.endpoint
        scope["path_params"] = path_params
        try:
            response = await direct(arguments)
        except Exception as error:
            handler = self._handler_for(error)
            if handler is None:
                raise
            response = handler(request, error)
            if inspect.isawaitable(response):
                response = await response
        await response(scope, receive, send)
        return True

    def _handler_for(self, error: Exception) -> Callable[[Request, Exception], Any] | None:
        handlers = self._app.exception_handlers
        for error_type in type(error).__mro__:
            if error_type is Exception:  # a bug: the outermost layer answers it, and it goes on up
                return None
            if error_type in handlers:
                return handlers[error_type]
        return None


def _has_credentials(scope: Scope) -> bool:
    return any(name == b"authorization" for name, _ in scope["headers"])


def compile_direct(route: BaseRoute) -> DirectRoute | None:
    """A ``DirectRoute`` for a GET ``APIRoute`` whose parameters are all simple and whose
    coroutine answers a ready ``Response`` (nothing for FastAPI to serialize), else None.
    A route of its own class (RealWorld's) answers its errors itself, so FastAPI serves it."""
    if type(route) is not APIRoute or route.methods != {"GET"} or not inspect.iscoroutinefunction(route.endpoint):
        return None
    hints = typing.get_type_hints(route.endpoint, include_extras=True)
    answer = hints.get("return")
    if not (isinstance(answer, type) and issubclass(answer, Response)):
        return None
    path_names = set(route.param_convertors)
    path_values: list[_Value] = []
    query_values: list[_Value] = []
    viewer_name = request_name = None
    provided: dict[str, Provided] = {}
    for name, parameter in inspect.signature(route.endpoint).parameters.items():
        annotation = hints.get(name)
        if annotation is Request:
            request_name = name
            continue
        base, metadata = _unpack(annotation)
        dependencies = [item.dependency for item in metadata if isinstance(item, Depends)]
        if dependencies:
            if dependencies == [optional_actor]:
                viewer_name = name
            elif len(dependencies) == 1 and isinstance(dependencies[0], Provided):
                provided[name] = dependencies[0]
            else:
                return None
            continue
        value = _value(name, base, metadata, parameter.default)
        if value is None:
            return None
        (path_values if name in path_names else query_values).append(value)
    return DirectRoute(route, path_values, query_values, viewer_name, request_name, provided)


def _unpack(annotation: Any) -> tuple[Any, list[Any]]:
    if typing.get_origin(annotation) is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        return base, metadata
    return annotation, []


def _value(name: str, base: Any, metadata: list[Any], default: Any) -> _Value | None:
    """How to read a parameter of type int, bool or their optional forms; None for any other."""
    optional = typing.get_origin(base) in (Union, UnionType) and NoneType in typing.get_args(base)
    if optional:
        others = [arg for arg in typing.get_args(base) if arg is not NoneType]
        if len(others) != 1:
            return None
        base = others[0]
    if base is bool:
        parse: Callable[[str], int | bool] = _boolean
    elif base is int:
        parse = _integer
    else:
        return None
    low = high = None
    for item in metadata:
        if not isinstance(item, Query | Path) or item.alias is not None:
            return None
        for constraint in item.metadata:
            if isinstance(constraint, Ge):
                low = int(constraint.ge)  # type: ignore[call-overload]
            elif isinstance(constraint, Le):
                high = int(constraint.le)  # type: ignore[call-overload]
            else:
                return None
    if default is inspect.Parameter.empty:
        default = _NOT_GIVEN
    return _Value(name=name, parse=parse, low=low, high=high, default=default)
