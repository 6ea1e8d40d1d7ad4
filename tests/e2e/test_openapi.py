"""The OpenAPI document: every operation lists each status it can answer, with the body's
schema (API.md), so the ``errors(...)`` of a route cannot silently fall behind what its kind
of route answers; request schemas say null only where null is accepted; and a 405 names
every method of the path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.http.app import create_app
from entrypoints.http.dependencies import bearer_token, optional_actor
from entrypoints.http.routers import admin, auth, health, operations, posts, users
from entrypoints.settings import Settings
from tests.e2e.conftest import serving, wired

ROUTERS = (health, operations, auth, users, posts, admin)
ERROR_BODY = {"$ref": "#/components/schemas/ErrorResponse"}
VALIDATION_BODY = {"$ref": "#/components/schemas/HTTPValidationError"}
HEALTH_BODY = {"$ref": "#/components/schemas/HealthResponse"}
# Where permissions are checked beyond "logged in": another user's account or post, and
# everything superusers alone may do.
PERMISSION_CHECKED = {
    ("PATCH", "/api/v1/users/{user_id}"),
    ("DELETE", "/api/v1/users/{user_id}"),
    ("PATCH", "/api/v1/posts/{post_id}"),
    ("DELETE", "/api/v1/posts/{post_id}"),
    ("GET", "/api/v1/admin/pool"),
    ("POST", "/api/v1/admin/users/{user_id}/transfer-posts"),
    ("POST", "/api/v1/admin/users/deactivate"),
    ("POST", "/api/v1/admin/users/import"),
}
# 400 for a schema-valid request that conflicts with stored data or with itself.
CONFLICTING = {
    ("POST", "/api/v1/users"),
    ("PATCH", "/api/v1/users/{user_id}"),
    ("POST", "/api/v1/users/{user_id}/follow"),
    ("POST", "/api/v1/admin/users/{user_id}/transfer-posts"),
}
# 429 where failed logins are throttled.
THROTTLED = {("POST", "/api/v1/auth/token")}
WRITES = {"POST", "PATCH", "DELETE"}
NAMED_RESOURCES = {"user_id", "post_id"}


@pytest.fixture(scope="module")
def document(hasher: Argon2PasswordHasher) -> dict[str, Any]:
    return create_app(wired(Settings(persistence="memory"), hasher)).openapi()


def operations_of(document: dict[str, Any]) -> Iterator[tuple[str, str, APIRoute, dict[str, Any]]]:
    """Every documented operation, with its route."""
    for module in ROUTERS:
        for route in module.router.routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                for method in sorted(route.methods or ()):
                    yield method, route.path, route, document["paths"][route.path][method.lower()]


def depends_on(route: APIRoute, dependency: Callable[..., Any]) -> bool:
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        if dependant.call is dependency:
            return True
        pending.extend(dependant.dependencies)
    return False


def expected_statuses(method: str, path: str, route: APIRoute, operation: dict[str, Any]) -> set[int]:
    """What a route of this kind can answer, besides its success."""
    parameters = operation.get("parameters", [])
    expected: set[int] = set()
    if path.startswith("/api/v1/"):
        expected.add(503)  # the store may be unavailable, time out or have no free connection
        if method in WRITES:
            expected.add(409)  # a serialization failure or deadlock, once retried
    if "requestBody" in operation:
        expected |= {400, 413, 422}  # a body that cannot be parsed, over 1 MiB, or invalid
    if any(parameter["in"] == "query" for parameter in parameters):
        expected |= {400, 422}  # a query string that is not UTF-8, or an invalid value
    if any(parameter["in"] == "path" for parameter in parameters):
        expected.add(422)
    if any(parameter["in"] == "path" and parameter["name"] in NAMED_RESOURCES for parameter in parameters):
        expected.add(404)
    if depends_on(route, bearer_token):
        expected.add(401)
    if (method, path) in PERMISSION_CHECKED:
        expected.add(403)
    if (method, path) in CONFLICTING:
        expected.add(400)
    if (method, path) in THROTTLED:
        expected.add(429)
    return expected


def test_every_operation_is_checked(document: dict[str, Any]) -> None:
    checked = {(method, path) for method, path, _, _ in operations_of(document)}
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert checked == documented
    assert checked >= PERMISSION_CHECKED | CONFLICTING | THROTTLED


def test_every_operation_documents_each_status_its_kind_of_route_answers(document: dict[str, Any]) -> None:
    missing = {
        f"{method} {path}": sorted(expected - {int(status) for status in operation["responses"]})
        for method, path, route, operation in operations_of(document)
        if (expected := expected_statuses(method, path, route, operation)) - {int(s) for s in operation["responses"]}
    }
    assert missing == {}


def test_every_error_has_its_schema_and_headers(document: dict[str, Any]) -> None:
    wrong = []
    for method, path, _, operation in operations_of(document):
        for status, response in operation["responses"].items():
            label = f"{method} {path} {status}"
            if int(status) < 400:
                continue
            body = response["content"]["application/json"]["schema"]
            if path.startswith("/health"):
                wrong += [label] if body != HEALTH_BODY else []
            elif status == "422":
                wrong += [label] if body != VALIDATION_BODY else []
            elif body != ERROR_BODY:
                wrong.append(label)
            headers = response.get("headers", {})
            if status == "401" and not headers.get("WWW-Authenticate", {}).get("required"):
                wrong.append(f"{label}: no WWW-Authenticate")
            if status == "429" and not headers.get("Retry-After", {}).get("required"):
                wrong.append(f"{label}: no Retry-After")
            if status == "503" and path.startswith("/api/v1/") and not headers.get("Retry-After", {}).get("required"):
                wrong.append(f"{label}: no Retry-After")
    assert wrong == []


def test_a_bearer_token_is_documented_as_required_or_optional_as_the_route_takes_it(document: dict[str, Any]) -> None:
    """A public read takes a token only to widen what the caller sees: its security says
    "or none" ({}), and it never answers 401; a route that needs a token says it does."""
    wrong = []
    for method, path, route, operation in operations_of(document):
        security = operation.get("security", [])
        required, optional = depends_on(route, bearer_token), depends_on(route, optional_actor)
        if optional and not required and ({} not in security or len(security) < 2 or "401" in operation["responses"]):
            wrong.append(f"{method} {path}: optional, documented {security} {sorted(operation['responses'])}")
        if required and (not security or {} in security):
            wrong.append(f"{method} {path}: required, documented {security}")
    assert wrong == []


def test_health_documents_its_own_answer_when_unhealthy(document: dict[str, Any]) -> None:
    for path in ("/health", "/health/ready"):
        responses = document["paths"][path]["get"]["responses"]
        assert responses["200"]["content"]["application/json"]["schema"] == HEALTH_BODY
        assert responses["503"]["content"]["application/json"]["schema"] == HEALTH_BODY
    assert set(document["paths"]["/health/live"]["get"]["responses"]) == {"200"}


def _nullable(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(_nullable(variant) for variant in schema.get("anyOf", ()))


def test_request_schemas_say_null_only_where_null_is_accepted(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    nullable_fields = {
        f"{name}.{field}"
        for name, schema in schemas.items()
        if not name.endswith("Response") and name not in {"HTTPValidationError", "ValidationError", "UserSummary"}
        for field, field_schema in schema.get("properties", {}).items()
        if _nullable(field_schema)
    }
    assert nullable_fields == {"UserCreate.full_name", "UserUpdate.full_name"}
    nullable_parameters = {
        f"{method} {path} {parameter['name']}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for parameter in operation.get("parameters", [])
        if _nullable(parameter["schema"])
    }
    assert nullable_parameters == set()


async def test_a_405_names_every_method_of_the_path_and_a_literal_path_wins(hasher: Argon2PasswordHasher) -> None:
    async with serving(wired(Settings(persistence="memory"), hasher)) as client:
        for method, url, allowed in (
            ("OPTIONS", "/api/v1/posts/1", "DELETE, GET, PATCH"),
            ("PUT", "/api/v1/users/1/follow", "DELETE, POST"),
            ("PATCH", "/api/v1/users/search", "GET"),
            ("DELETE", "/api/v1/users/me", "GET"),
            ("PUT", "/api/v1/users/", "GET, POST"),
        ):
            response = await client.request(method, url)
            assert (response.status_code, response.headers.get("allow")) == (405, allowed), f"{method} {url}"
            assert response.json() == {"detail": "Method Not Allowed"}


async def test_every_documented_path_refuses_an_undocumented_method_naming_the_documents_methods(
    hasher: Argon2PasswordHasher,
) -> None:
    """The edge reads the methods off the routes, not the document: they must agree."""
    async with serving(wired(Settings(persistence="memory"), hasher)) as client:
        document = (await client.get("/openapi.json")).json()
        for path, item in document["paths"].items():
            documented = sorted(method.upper() for method in item)
            url = re.sub(r"\{[^}]+\}", "1", path)
            response = await client.request("TRACE", url)
            assert (response.status_code, response.headers.get("allow")) == (405, ", ".join(documented)), path
