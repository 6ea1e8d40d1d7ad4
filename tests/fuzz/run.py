"""``make fuzz``: schemathesis over every operation of a real service, with every check on.

Creates a throw-away PostgreSQL database (``INKWELL_TEST_POSTGRES_URL``, default
127.0.0.1:5432), runs the service's migrations, serves it with ``inkwell serve`` (uvicorn)
on a free port, creates the fuzz accounts (``accounts.py``), runs ``schemathesis run``
with ``schemathesis.toml`` beside this file, then stops the server and drops the
database, also when anything fails or is interrupted (Ctrl-C, SIGTERM). Exits with
schemathesis' status. The server's log is left in var/fuzz-server.log.

Arguments go to ``schemathesis run`` (``make fuzz FUZZ_ARGS="--seed 1"``).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from entrypoints.cli import create_superuser
from entrypoints.settings import Settings
from tests.databases import PROJECT_ROOT, create_postgres_database, drop_postgres_database, migrate
from tests.fuzz.accounts import ACCOUNTS, PASSWORD, FuzzAccount, write_wfc_document
from tests.fuzz.hooks import PROTECTED_IDS_VARIABLE
from tests.servers import wait_until_ready

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"
SERVER_LOG = PROJECT_ROOT / "var" / "fuzz-server.log"
WFC_VARIABLE = "INKWELL_FUZZ_WFC"
KEEP_DATABASE_VARIABLE = "INKWELL_FUZZ_KEEP_DATABASE"  # for a post-mortem
# Hashing is not what a fuzz run is about: the cheapest argon2id the settings allow.
CHEAP_ARGON2 = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST_KIB": "8", "ARGON2_PARALLELISM": "1"}
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 15.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def throwaway_database() -> Iterator[str]:
    url = asyncio.run(create_postgres_database("inkwell_fuzz"))
    print(f"fuzz: database {url.rsplit('/', 1)[1]}", flush=True)
    try:
        asyncio.run(migrate(url))
        yield url
    finally:
        if os.environ.get(KEEP_DATABASE_VARIABLE):
            print(f"fuzz: {KEEP_DATABASE_VARIABLE} is set: the database stays, drop it yourself", flush=True)
        else:
            asyncio.run(drop_postgres_database(url))
            print("fuzz: database dropped", flush=True)


@contextmanager
def serving(database_url: str, log: Path) -> Iterator[str]:
    """``inkwell serve`` on a free port; its base URL once /health/ready answers 200."""
    port = free_port()
    environment = {
        **os.environ,
        **CHEAP_ARGON2,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": "1",
        "SHUTDOWN_DRAIN_SECONDS": "0",
        "ACCESS_LOG": "true",
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "serve"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base_url, server, START_TIMEOUT_SECONDS)
        print(f"fuzz: serving at {base_url} (pid {server.pid})", flush=True)
        yield base_url
    finally:
        stop(server)


def stop(process: subprocess.Popen[bytes], name: str = "server") -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"fuzz: {name} stopped ({process.returncode})", flush=True)


def create_accounts(base_url: str, database_url: str) -> list[int]:
    """Register the fuzz accounts (the superuser through the operator's command); their ids."""
    ids = []
    for account in ACCOUNTS:
        ids.append(_create_superuser(account, database_url) if account.superuser else _register(account, base_url))
    return ids


def _register(account: FuzzAccount, base_url: str) -> int:
    body = {"email": account.email, "username": account.name, "password": PASSWORD}
    response = httpx.post(f"{base_url}/api/v1/users", json=body, timeout=10)
    response.raise_for_status()
    user_id: int = response.json()["id"]
    return user_id


def _create_superuser(account: FuzzAccount, database_url: str) -> int:
    settings = Settings.model_validate(
        {"database_url": database_url, **{name.lower(): value for name, value in CHEAP_ARGON2.items()}}
    )
    with ThreadPoolExecutor(max_workers=1) as thread:  # its own event loop, wherever this is called from
        said = thread.submit(asyncio.run, create_superuser(settings, account.email, account.name, PASSWORD)).result()
    return int(said.rsplit("(id ", 1)[1].rstrip(")"))


def run_schemathesis(base_url: str, wfc: Path, protected: Sequence[int], extra: Sequence[str]) -> int:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/openapi.json",
        *extra,
    ]
    environment = {
        **os.environ,
        WFC_VARIABLE: str(wfc),
        PROTECTED_IDS_VARIABLE: ",".join(map(str, protected)),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
    }
    print("fuzz: " + " ".join(command[1:]), flush=True)
    fuzzer = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment)
    try:
        return fuzzer.wait()
    finally:
        stop(fuzzer, "schemathesis")


def main(argv: Sequence[str]) -> int:
    started = time.monotonic()
    # SIGTERM unwinds like Ctrl-C, so the server is stopped and the database dropped.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(128 + signal.SIGTERM))
    SERVER_LOG.parent.mkdir(exist_ok=True)
    log = SERVER_LOG
    with tempfile.TemporaryDirectory(prefix="inkwell-fuzz-") as scratch:
        status = 1
        try:
            with throwaway_database() as database_url, serving(database_url, log) as base_url:
                protected = create_accounts(base_url, database_url)
                wfc = write_wfc_document(Path(scratch) / "auth.json")
                status = run_schemathesis(base_url, wfc, protected, argv)
        finally:
            if status != 0 and log.exists():
                print(f"fuzz: the server's log is {log}; its last lines:\n{_tail(log)}", flush=True)
            print(f"fuzz: exit {status} after {time.monotonic() - started:.0f} s", flush=True)
    return status


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
