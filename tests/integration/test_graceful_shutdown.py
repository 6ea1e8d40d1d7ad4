"""SIGTERM on the real server: readiness turns 503 while requests are still served (the
drain window), the request in flight finishes, the engines are disposed and the process
exits cleanly, with nothing warning about pending tasks or unclosed connections."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.pg_cluster import free_port
from tests.servers import PROJECT_ROOT, RUN, cli, wait_until_ready

WARNINGS = ("Task was destroyed", "never awaited", "Unclosed", "unclosed", "ResourceWarning", "Traceback")
DRAIN_SECONDS = 2.0


def readiness_while_draining(base: str) -> tuple[int, int]:
    """(readiness status, an API read's status) from the first poll that sees readiness change."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        ready = httpx.get(f"{base}/health/ready", timeout=5).status_code
        if ready != 200:
            return ready, httpx.get(f"{base}/api/v1/users/", timeout=5).status_code
        time.sleep(0.05)
    raise AssertionError("readiness never turned 503 after SIGTERM")


@pytest.fixture(params=["sqlite", "postgres"])
def server_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'shutdown.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def test_sigterm_drains_then_lets_the_request_in_flight_finish(server_database_url: str) -> None:
    port = free_port()
    username = f"root{port}"  # the PostgreSQL database is the run's, shared with other tests
    env = {
        **os.environ,
        "DATABASE_URL": server_database_url,
        "PORT": str(port),
        "SHUTDOWN_DRAIN_SECONDS": str(DRAIN_SECONDS),
        "INKWELL_SUPERUSER_PASSWORD": "password123",
        "PYTHONWARNINGS": "always",
    }
    cli(env, "db", "upgrade")
    cli(env, "users", "create-superuser", "--email", f"{username}@example.com", "--username", username)
    server = subprocess.Popen([*RUN, "serve"], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base)
        token = httpx.post(f"{base}/api/v1/auth/token", data={"username": username, "password": "password123"}).json()
        users = [
            {"email": f"u{i}.{port}@example.com", "username": f"u{i}x{port}", "password": "password123"}
            for i in range(150)
        ]
        with httpx.Client(base_url=base, timeout=60) as client:
            in_flight = client.build_request(
                "POST",
                "/api/v1/admin/users/import",
                json={"users": users},
                headers={"Authorization": f"Bearer {token['access_token']}"},
            )
            with ThreadPoolExecutor(max_workers=1) as executor:
                answer = executor.submit(client.send, in_flight)
                time.sleep(0.5)  # the import is hashing now
                server.send_signal(signal.SIGTERM)
                ready, api_read = readiness_while_draining(base)
                response = answer.result(timeout=60)
        assert ready == 503
        assert api_read == 200  # draining still serves: only readiness tells balancers to go
        assert response.status_code == 200
        assert response.json()["created"] == 150
        # uvicorn re-raises the signal once it has shut down, so the status says SIGTERM.
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
    stderr = server.stderr.read() if server.stderr else ""
    assert "draining for 2.0 s" in stderr
    assert "Application shutdown complete" in stderr
    assert not [w for w in WARNINGS if w in stderr], stderr
