"""The real server as an operator runs it: two workers, JSON logs with an access line, CORS,
login failures counted in Redis. Request ids come back and tie the log lines to their
request; the 11th failed login is refused whichever worker takes it; /metrics counts every
worker's requests whichever worker answers; preflights from the allowed origin only."""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import httpx

from adapters.redis.login_throttle import NAME_NAMESPACE
from tests.redis_server import delete_keys
from tests.servers import CHEAP_ARGON2, cli, served

ORIGIN = "https://app.example"
ROUTE_SAMPLE = re.compile(
    r'^http_requests_total\{method="GET",route="/api/v1/users/\{user_id\}",status="404"\} (\S+)$', re.M
)


def production(tmp_path: Path, redis_url: str) -> tuple[str, dict[str, str]]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'production.db'}"
    settings = {
        "WORKERS": "2",
        "LOG_FORMAT": "json",
        "ACCESS_LOG": "true",
        "CORS_ORIGINS": ORIGIN,
        "REDIS_URL": redis_url,
        "SHUTDOWN_DRAIN_SECONDS": "0",
        "TMPDIR": str(tmp_path),  # where serve makes the workers' metrics directory
        **CHEAP_ARGON2,
    }
    cli({**os.environ, "DATABASE_URL": database_url}, "db", "upgrade")
    return database_url, settings


def log_lines(log: Path) -> list[dict[str, Any]]:
    """Every log line, each a JSON object. The interpreter's own warnings (the tests run it
    with ``-X dev``: uvicorn's supervisor leaves its listening socket to the exit) are not log lines."""
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    warnings = [line for line in lines if "ResourceWarning" in line and not line.startswith("{")]
    return [json.loads(line) for line in lines if line not in warnings]


def test_two_workers_log_json_with_request_ids_share_throttling_sum_metrics_and_answer_preflights(
    tmp_path: Path, redis_url: str
) -> None:
    database_url, settings = production(tmp_path, redis_url)
    login = f"nobody-{uuid.uuid4().hex}"
    log = tmp_path / "server.log"
    with served(database_url, settings, log=log) as base:
        tagged = httpx.get(f"{base}/api/v1/users/1", headers={"X-Request-ID": "abc"})
        # A fresh connection each: the workers share the listening socket, so both answer some.
        statuses = [httpx.get(f"{base}/api/v1/users/2").status_code for _ in range(60)]
        counted = [float(ROUTE_SAMPLE.search(httpx.get(f"{base}/metrics").text).group(1)) for _ in range(6)]  # type: ignore[union-attr]
        # A fresh connection each: either worker may take any of them.
        logins = [
            httpx.post(f"{base}/api/v1/auth/token", data={"username": login, "password": "wrong password"})
            for _ in range(11)
        ]
        allowed = httpx.options(f"{base}/api/v1/posts", headers=_preflight(ORIGIN))
        refused = httpx.options(f"{base}/api/v1/posts", headers=_preflight("https://elsewhere.example"))

    assert (tagged.status_code, tagged.headers["x-request-id"]) == (404, "abc")
    assert not list(tmp_path.glob("inkwell-metrics-*")), "the workers' metrics directory outlived the server"
    delete_keys(redis_url, NAME_NAMESPACE + hashlib.sha256(login.encode()).hexdigest())
    assert statuses == [404] * 60
    assert [response.status_code for response in logins] == [401] * 10 + [429]
    assert int(logins[-1].headers["retry-after"]) > 0
    assert min(counted) >= 61
    assert (allowed.status_code, allowed.headers.get("access-control-allow-origin")) == (200, ORIGIN)
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers

    lines = log_lines(log)
    assert sum("Started server process" in line["message"] for line in lines) == 2
    mine = [line for line in lines if line.get("request_id") == "abc"]
    assert [(line["logger"], line["route"], line["status"]) for line in mine] == [
        ("inkwell.access", "/api/v1/users/{user_id}", 404)
    ]
    assert {"time", "level", "message", "method", "duration_ms"} <= mine[0].keys()


def _preflight(origin: str) -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": "DELETE"}
