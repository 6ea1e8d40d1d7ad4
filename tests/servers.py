"""The real service as a separate process, for tests that need a real server: its signals,
its listener, its clients' connections."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.pg_cluster import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RUN = [sys.executable, "-X", "dev", "-m", "entrypoints.cli"]
# Real argon2id at its smallest, so a load of registrations measures the service, not hashing.
CHEAP_ARGON2 = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST_KIB": "8"}


def wait_until_ready(base: str, server: subprocess.Popen[Any] | None = None, seconds: float = 30) -> None:
    """Until ``/health/ready`` answers 200; fails at once if ``server`` exits meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode} before it was ready")
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server was not ready within {seconds:.0f} s")


def cli(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([*RUN, *arguments], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)


@contextmanager
def served(database_url: str, settings: Mapping[str, str], *, log: Path | None = None) -> Iterator[str]:
    """``serve`` on a free port with these settings (environment variable names); yields the
    base URL once ready, and stops the server at exit. Its standard error goes to ``log``."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port), **settings}
    with open(log or os.devnull, "w") as stderr:
        server = subprocess.Popen([*RUN, "serve"], cwd=PROJECT_ROOT, env=env, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, server)
        yield base
    finally:
        stop(server)


def stop(server: subprocess.Popen[Any]) -> None:
    """SIGTERM, and SIGKILL if it has not exited within 30 s."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
