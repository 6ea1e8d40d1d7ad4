"""Configuration from the environment (and a ``.env`` file), read once at start-up."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/inkwell.db"


def _one_per_host(url: str) -> list[str]:
    """A multi-host URL (``?host=a&host=b``) as one URL per host; any other URL as itself."""
    if not url:
        return []
    parsed = make_url(url)
    hosts = parsed.query.get("host")
    if not isinstance(hosts, tuple):
        return [url]
    query = {key: value for key, value in parsed.query.items() if key != "host"}
    one_each = []
    for host in hosts:
        name, _, port = host.rpartition(":") if ":" in host else (host, "", "")
        single = parsed.set(host=name, port=int(port) if port else None, query=query)
        one_each.append(single.render_as_string(hide_password=False))
    return one_each


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    database_replica_url: str | None = None
    """Streaming replicas for reads: comma-separated URLs, or one URL naming several hosts
    (``?host=a:5432&host=b:5432``); each host is one replica. A client that wrote reads its
    writes back from a replica only once that replica has replayed them."""
    db_replica_max_lag_seconds: float = Field(10.0, gt=0)
    """A replica further behind the primary than this serves no reads until it catches up."""
    persistence: Literal["sqlalchemy", "memory"] = "sqlalchemy"
    # A fixed pool: connections beyond a pool are closed as soon as they are returned, so an
    # overflow opens and closes server sessions all through a load above the pool size.
    db_pool_size: int = Field(10, ge=1)
    db_max_overflow: int = Field(0, ge=0)
    db_pool_timeout: float = Field(30.0, gt=0)
    db_pool_recycle: int = 1800
    db_pool_pre_ping: bool = False
    """Ask the server at every checkout; closed connections are replaced either way."""
    db_echo: bool = False
    db_statement_timeout_ms: int | None = Field(None, ge=1)
    """PostgreSQL: the longest any statement may run; unset means no limit."""
    db_pgbouncer: bool = False
    """DATABASE_URL points at PgBouncer in transaction pooling mode."""
    db_application_name: str = "inkwell-api"
    """Reported to PostgreSQL, so pg_stat_activity tells who holds which connection."""
    db_connect_attempts: int = Field(5, ge=1)
    """Start-up checks the database this many times, with a growing pause, before giving up."""

    access_token_ttl_seconds: int = Field(3600, ge=60)
    login_max_failures: int = Field(10, ge=0)
    """Failed logins per login name within the window before the name is refused (0: off)."""
    login_failure_window_seconds: int = Field(900, ge=1)
    login_max_failures_per_address: int = Field(0, ge=0)
    """Failed logins per client address within the window, of any names (0: off)."""
    redis_url: str | None = None
    """Where login failures are counted, shared by every worker; unset: in each process."""
    # OWASP's recommended argon2id floor: 19 MiB, 2 passes, 1 lane. One lane per hash lets
    # the worker pool, not argon2, use the cores, which serves more concurrent logins.
    argon2_time_cost: int = Field(2, ge=1)
    argon2_memory_cost_kib: int = Field(19456, ge=8)
    argon2_parallelism: int = Field(1, ge=1)

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(1, ge=1)
    access_log: bool = False
    """One log line per request: method, route template, status, duration_ms."""
    log_format: Literal["json", "console"] = "console"
    """json: one JSON object per line (time, level, message, request_id, ...)."""
    cors_origins: str = ""
    """Comma-separated origins a browser may call the API from; empty: no CORS."""
    shutdown_drain_seconds: float = Field(5.0, ge=0)
    """On SIGTERM, how long readiness answers 503 while requests are still served."""

    @property
    def replica_urls(self) -> list[str]:
        """One URL per replica named by DATABASE_REPLICA_URL."""
        return [url for listed in (self.database_replica_url or "").split(",") for url in _one_per_host(listed.strip())]

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @model_validator(mode="after")
    def _argon2_memory_fits_parallelism(self) -> Settings:
        if self.argon2_memory_cost_kib < 8 * self.argon2_parallelism:
            raise ValueError("ARGON2_MEMORY_COST_KIB must be at least 8 x ARGON2_PARALLELISM")
        return self
