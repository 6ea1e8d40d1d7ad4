"""Two workers of the real server share their login failures through Redis: ten failed
logins over fresh connections, taken by both workers, and the eleventh answers 429 (with
one worker's own count it would take up to twenty). Persistence is a throw-away SQLite
file, which both workers see (the memory store would be one per worker)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

import httpx

from adapters.redis.login_throttle import NAME_NAMESPACE
from tests.pg_cluster import free_port
from tests.redis_server import delete_keys
from tests.servers import CHEAP_ARGON2, PROJECT_ROOT, RUN, cli, stop, wait_until_ready

PASSWORD = "password123"
# Nothing a worker may print: a crash, or a warning about what it left behind at shutdown
# (that the client is closed is tested in-process, test_login_throttle_contract).
LEFT_OPEN = ("Unclosed", "unclosed Connection", "Task was destroyed", "never awaited", "Traceback")


def socket_owner(pids: set[int], server_port: int, client_port: int) -> int | None:
    """Which of ``pids`` holds the server's end of the TCP connection from ``client_port``
    (Linux: the socket's inode from /proc/net/tcp, then the process whose fd points at it)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.rsplit(":", 1)[1], 16) == server_port and int(remote.rsplit(":", 1)[1], 16) == client_port:
            inode = fields[9]
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == target:
                    return pid
            except OSError:  # closed meanwhile
                continue
    return None


def log_in_on_a_fresh_connection(
    base: str, port: int, workers: set[int], name: str, password: str
) -> tuple[int, int | None]:
    """The status of one login over a connection of its own, and the worker that answered."""
    with httpx.Client(base_url=base, timeout=10) as client:
        response = client.post("/api/v1/auth/token", data={"username": name, "password": password})
        _, client_port = response.extensions["network_stream"].get_extra_info("client_addr")
        return response.status_code, socket_owner(workers, port, client_port)


def test_two_workers_share_the_failure_count_through_redis(redis_url: str, tmp_path: Path) -> None:
    port = free_port()
    username = f"ada{port}"  # the login name (and so the Redis key) is this run's own
    key = NAME_NAMESPACE + hashlib.sha256(username.encode()).hexdigest()
    env = {
        **os.environ,
        **CHEAP_ARGON2,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'workers.db'}",
        "PORT": str(port),
        "WORKERS": "2",
        "REDIS_URL": redis_url,
        "SHUTDOWN_DRAIN_SECONDS": "0",
        "PYTHONWARNINGS": "always",
    }
    cli(env, "db", "upgrade")
    server = subprocess.Popen([*RUN, "serve"], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, server)
        tasks = Path(f"/proc/{server.pid}/task").iterdir()
        workers = {int(child) for task in tasks for child in (task / "children").read_text().split()}
        created = httpx.post(
            f"{base}/api/v1/users/",
            json={"email": f"{username}@example.com", "username": username, "password": PASSWORD},
        )
        assert created.status_code == 201, created.text

        names = [username, username.upper()] * 5  # one name to the throttle, compared case-insensitively
        answered = [log_in_on_a_fresh_connection(base, port, workers, name, "wrong password") for name in names]
        eleventh, _ = log_in_on_a_fresh_connection(base, port, workers, username, PASSWORD)
    finally:
        stop(server)
        delete_keys(redis_url, key)
    stderr = server.stderr.read() if server.stderr else ""

    assert [status for status, _ in answered] == [401] * 10
    assert eleventh == 429
    started = {int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", stderr)}
    served_by = {worker for _, worker in answered}
    assert len(started) == 2 and served_by == started, (served_by, started)
    assert stderr.count("Application shutdown complete") == 2, stderr
    assert not [warning for warning in LEFT_OPEN if warning in stderr], stderr
