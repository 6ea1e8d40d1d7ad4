"""Every RealWorld route, in the order they are tried."""

from __future__ import annotations

from starlette.routing import BaseRoute

from entrypoints.realworld import articles, profiles, users


def realworld_routes() -> list[BaseRoute]:
    return [route for module in (users, profiles, articles) for route in module.router.routes]
