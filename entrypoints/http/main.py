"""The ASGI factory uvicorn starts: ``uvicorn --factory entrypoints.http.main:app_from_environment``."""

from fastapi import FastAPI

from entrypoints.container import Container
from entrypoints.http.app import create_app


def app_from_environment() -> FastAPI:
    return create_app(Container())
