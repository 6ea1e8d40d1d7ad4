"""SIGTERM on the real server: the request in flight finishes, the process exits cleanly,
and nothing warns about pending tasks or unclosed connections."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.pg_cluster import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WARNINGS = ("Task was destroyed", "never awaited", "Unclosed", "unclosed", "ResourceWarning", "Traceback")


def wait_until_ready(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server never became ready")


def test_sigterm_lets_the_request_in_flight_finish(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shutdown.db'}",
        "PORT": str(port),
        "INKWELL_SUPERUSER_PASSWORD": "password123",
        "PYTHONWARNINGS": "always",
    }
    run = [sys.executable, "-X", "dev", "-m", "entrypoints.cli"]
    subprocess.run([*run, "migrate"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*run, "create-superuser", "--email", "root@example.com", "--username", "root"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen([*run, "serve"], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base)
        token = httpx.post(f"{base}/api/v1/auth/token", data={"username": "root", "password": "password123"}).json()
        users = [{"email": f"u{i}@example.com", "username": f"user{i}", "password": "password123"} for i in range(150)]
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
                response = answer.result(timeout=60)
        assert response.status_code == 200
        assert response.json()["created"] == 150
        # uvicorn re-raises the signal once it has shut down, so the status says SIGTERM.
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
    stderr = server.stderr.read() if server.stderr else ""
    assert "Application shutdown complete" in stderr
    assert not [w for w in WARNINGS if w in stderr], stderr
