"""Single requests, one at a time: the slowest and the median of 30 for each read the
million-user issue names.

    python -m tests.scale.probe --url http://127.0.0.1:8111 [--users 1000000] [--repeat 30]

Meant for a database filled by ``make seed USERS=N`` (user ``i`` has posts ``3i-2..3i``; the
first users have the most followers). Deep pages use ``after_id``, the keyset parameter;
a service without it answers the first page instead, which is why the same pages by
``skip`` are measured beside them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass

import httpx

SEARCH_MISS = "qxzj"
"""No seeded name, username or email contains it (tests/unit/test_seed_rows.py checks its
siblings in tests/scale/search_miss.lua)."""
PAGE = 20


@dataclass(frozen=True)
class Timing:
    name: str
    path: str
    slowest_ms: float
    median_ms: float


def probes(client: httpx.Client, users: int) -> list[tuple[str, str]]:
    """(name, path) of every read to time; asks the service for one user's username."""
    someone = users // 2
    username = client.get(f"/api/v1/users/{someone}").raise_for_status().json()["username"]
    posts = users * 3
    return [
        ("search, no match", f"/api/v1/users/search?q={SEARCH_MISS}&limit={PAGE}"),
        ("search, one exact username", f"/api/v1/users/search?q={username}&limit={PAGE}"),
        ("users, first page", f"/api/v1/users?limit={PAGE}"),
        ("users, last page by after_id", f"/api/v1/users?after_id={users - PAGE}&limit={PAGE}"),
        ("users, last page by skip", f"/api/v1/users?skip={users - PAGE}&limit={PAGE}"),
        ("posts, last page by after_id", f"/api/v1/posts?after_id={posts - PAGE}&limit={PAGE}"),
        ("posts, last page by skip", f"/api/v1/posts?skip={posts - PAGE}&limit={PAGE}"),
        ("posts of one author", f"/api/v1/posts?author_id={someone}"),
        ("followers of user 1, far end by after_id", f"/api/v1/users/1/followers?after_id={users - PAGE}&limit={PAGE}"),
        ("followers of user 1, far end by skip", f"/api/v1/users/1/followers?skip={users // 100 - PAGE}&limit={PAGE}"),
        ("profile", f"/api/v1/users/{someone}/profile"),
    ]


def measure(client: httpx.Client, name: str, path: str, repeat: int) -> Timing:
    """``repeat`` sequential GETs of ``path``; any answer but 200 stops the probe."""
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        durations.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{name}: GET {path} answered {response.status_code}: {response.text[:200]}")
    return Timing(name, path, max(durations), statistics.median(durations))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.scale.probe", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8111", help="the running service")
    parser.add_argument("--users", type=int, default=1_000_000, help="users seeded (make seed USERS=N)")
    parser.add_argument("--repeat", type=int, default=30, help="requests per read")
    parser.add_argument("--no-offsets", action="store_true", help="leave out the deep pages by skip (seconds each)")
    arguments = parser.parse_args(argv)
    with httpx.Client(base_url=arguments.url, timeout=120) as client:
        chosen = [
            (name, path)
            for name, path in probes(client, arguments.users)
            if not (arguments.no_offsets and "skip=" in path)
        ]
        timings = [measure(client, name, path, arguments.repeat) for name, path in chosen]
    width = max(len(timing.name) for timing in timings)
    print(f"{'read':<{width}}  {'slowest ms':>10}  {'median ms':>9}  path")
    for timing in timings:
        print(f"{timing.name:<{width}}  {timing.slowest_ms:>10.1f}  {timing.median_ms:>9.1f}  {timing.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
