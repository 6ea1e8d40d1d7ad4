"""A throw-away PgBouncer in transaction pooling mode, in front of the local PostgreSQL,
for tests that must prove Inkwell works through one. Debian's ``pgbouncer`` package;
it refuses to run as root, so it runs as the postgres user."""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.pg_cluster import OS_USER, directory_for_postgres, free_port

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def available() -> str | None:
    """None when a PgBouncer can be started here, else why not."""
    if not Path(PGBOUNCER).exists():
        return "pgbouncer is not installed (apt-get install pgbouncer)"
    if getpass.getuser() != OS_USER and shutil.which("runuser") is None:
        return "pgbouncer must not run as root and runuser is missing"
    return None


class PgBouncer:
    """One PgBouncer on its own port; every database name is passed through to ``upstream``."""

    def __init__(self, upstream: str, *, pool_size: int = 20) -> None:
        server = urlsplit(upstream)
        self.root = directory_for_postgres("inkwell-pgbouncer-")
        self.port = free_port()
        self.log = self.root / "pgbouncer.log"
        self.config = self.root / "pgbouncer.ini"
        self.config.write_text(
            "[databases]\n"
            f"* = host={server.hostname} port={server.port or 5432} user={server.username or 'postgres'}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"logfile = {self.log}\npidfile = {self.root / 'pgbouncer.pid'}\n"
            "auth_type = any\npool_mode = transaction\nadmin_users = postgres\n"
            f"max_client_conn = 2000\ndefault_pool_size = {pool_size}\n"
        )
        shutil.chown(self.config, user=OS_USER)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [PGBOUNCER, str(self.config)]
        if getpass.getuser() != OS_USER:
            command = ["runuser", "-u", OS_USER, "--", *command]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self._process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"pgbouncer did not start: {self.log.read_text() if self.log.exists() else ''}")

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def transactions(self, database: str) -> int:
        """How many transactions PgBouncer has passed to ``database`` (its SHOW STATS).
        The admin console speaks only the simple query protocol, hence psql."""
        console = f"-h 127.0.0.1 -p {self.port} -U postgres -d pgbouncer -AtF,".split()
        shown = subprocess.run(
            ["psql", *console, "-c", "SHOW STATS"],
            check=True,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout
        for line in shown.splitlines():
            name, total_xact_count, *_ = line.split(",")
            if name == database:
                return int(total_xact_count)
        raise LookupError(f"PgBouncer has no stats for {database}: {shown}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self.root, ignore_errors=True)
