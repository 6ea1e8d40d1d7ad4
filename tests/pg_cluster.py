"""Throw-away PostgreSQL clusters built from the local binaries, for tests that stop a
server, restart it, or stream it to a replica. The machine's shared server is never
touched."""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("INKWELL_PG_BIN", "/usr/lib/postgresql/15/bin"))
OS_USER = "postgres"


def available() -> str | None:
    """None when clusters can be built here, else why not."""
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL binaries in {PG_BIN}"
    if getpass.getuser() != OS_USER and shutil.which("runuser") is None:
        return "initdb must run as the postgres user and runuser is missing"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(*command: str | Path) -> None:
    arguments = [str(part) for part in command]
    if getpass.getuser() != OS_USER:
        arguments = ["runuser", "-u", OS_USER, "--", *arguments]
    subprocess.run(arguments, check=True, capture_output=True, timeout=120)


def directory_for_postgres(prefix: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if getpass.getuser() != OS_USER:
        shutil.chown(root, user=OS_USER)
    return root


class Cluster:
    """One PostgreSQL server on its own port and data directory."""

    def __init__(self, data: Path, port: int) -> None:
        self.data = data
        self.port = port

    @classmethod
    def create(cls) -> Cluster:
        root = directory_for_postgres("inkwell-pg-")
        cluster = cls(root / "data", free_port())
        _as_postgres(
            PG_BIN / "initdb", "-D", cluster.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"
        )
        cluster._configure()
        return cluster

    def replica(self, *, apply_delay: str | None = None) -> Cluster:
        """A streaming replica of this (running) cluster, made with pg_basebackup -R; with
        ``apply_delay`` (e.g. ``"2s"``) it replays each commit that long after the primary."""
        root = directory_for_postgres("inkwell-pg-replica-")
        replica = Cluster(root / "data", free_port())
        _as_postgres(
            PG_BIN / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-D",
            replica.data,
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        replica._configure()
        if apply_delay is not None:
            with open(replica.data / "postgresql.auto.conf", "a") as conf:
                conf.write(f"recovery_min_apply_delay = '{apply_delay}'\n")
        return replica

    def _configure(self) -> None:
        settings = (
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.data}'\n"
            "fsync = off\nsynchronous_commit = off\nmax_connections = 50\nhot_standby = on\n"
        )
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.write(settings)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.data / "server.log", "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``immediate`` is a crash: no shutdown checkpoint, clients cut off."""
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def promote(self) -> None:
        """Make this standby a primary, and wait until it accepts writes."""
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-w", "-t", "60", "promote")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.data.parent, ignore_errors=True)
