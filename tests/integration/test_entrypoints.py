"""The CLI and the service's start-up, as an operator meets them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from sqlalchemy import text

from adapters.sqlalchemy.database import SqlAlchemyDatabase
from adapters.sqlalchemy.readers import SqlAlchemyCredentialsReader, SqlAlchemyUserReader
from entrypoints.cli import SUPERUSER_EMAIL_VARIABLE, SUPERUSER_PASSWORD_VARIABLE
from entrypoints.settings import Settings
from tests.conftest import run_in_thread

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def cli(*arguments: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_migrate_then_create_superuser_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'cli.db'}"
    env = {
        "DATABASE_URL": url,
        "INKWELL_SUPERUSER_PASSWORD": "a strong password",
        "ARGON2_MEMORY_COST_KIB": "8",
        "ARGON2_PARALLELISM": "1",
    }
    assert cli("db", "upgrade", env=env).returncode == 0
    created = cli("users", "create-superuser", "--email", "root@example.com", "--username", "root", env=env)
    assert created.returncode == 0, created.stderr
    assert "created superuser root" in created.stdout

    async def stored() -> tuple[bool, bool]:
        database = SqlAlchemyDatabase(url)
        try:
            credentials = await SqlAlchemyCredentialsReader(database).find_credentials("root")
            assert credentials is not None
            user = await SqlAlchemyUserReader(database).get(credentials.user_id)
            assert user is not None
            return user.is_superuser, credentials.hashed_password.startswith("$argon2id$")
        finally:
            await database.dispose()

    assert run_in_thread(stored()) == (True, True)
    again = cli("users", "create-superuser", "--email", "ROOT@example.com", "--username", "root2", env=env)
    assert again.returncode == 1
    assert "already registered" in again.stderr
    tolerated = cli("users", "create-superuser", "--email", "root@example.com", "--if-missing", env=env)
    assert (tolerated.returncode, tolerated.stdout) == (0, "root@example.com: already registered, nothing to do\n")


def test_serve_exits_non_zero_when_the_database_stays_unreachable() -> None:
    env = {
        "DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere",
        "DB_CONNECT_ATTEMPTS": "2",
        "PORT": "8199",
    }
    result = cli("serve", env=env, timeout=60)
    assert result.returncode != 0
    assert "database unreachable after 2 attempts" in result.stderr


def test_compose_file_is_valid_and_speaks_the_settings_language() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    known = {name.upper() for name in Settings.model_fields} | {SUPERUSER_EMAIL_VARIABLE, SUPERUSER_PASSWORD_VARIABLE}
    for service in ("migrate", "api", "api-pgbouncer", "api-ha-1", "api-ha-2"):
        environment = compose["services"][service]["environment"]
        assert set(environment) <= known, set(environment) - known
        assert environment["DATABASE_URL"].startswith("postgresql+asyncpg://")
    through_pgbouncer = compose["services"]["api-pgbouncer"]["environment"]
    assert through_pgbouncer["DB_PGBOUNCER"] == "true"
    assert "@pgbouncer:6432/" in through_pgbouncer["DATABASE_URL"]
    assert "pool_mode = transaction" in compose["configs"]["pgbouncer-ini"]["content"]
    assert compose["services"]["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert compose["services"]["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    # Over TCP: the image's init server listens on its socket only.
    assert "pg_isready -h 127.0.0.1" in compose["services"]["db"]["healthcheck"]["test"][1]
    images = {compose["services"][name]["image"] for name in ("migrate", "api", "api-pgbouncer")}
    assert images == {"inkwell:local"}
    assert "inkwell users create-superuser --if-missing" in compose["services"]["migrate"]["command"][2]


def test_the_ha_profile_runs_two_instances_on_pgbouncer_a_standby_and_a_load_balancer() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    services = compose["services"]
    ha = {name for name, service in services.items() if "ha" in service.get("profiles", ())}
    assert ha == {"pgbouncer", "db-standby", "api-ha-1", "api-ha-2", "loadbalancer"}
    for name in ("api-ha-1", "api-ha-2"):
        environment = services[name]["environment"]
        assert "@pgbouncer:6432/" in environment["DATABASE_URL"] and environment["DB_PGBOUNCER"] == "true"
        assert "@db-standby:5432/" in environment["DATABASE_REPLICA_URL"]
        assert environment["REDIS_URL"].startswith("redis://redis:")
    assert "pg_basebackup -h db" in services["db-standby"]["command"][2]
    assert services["loadbalancer"]["image"].startswith("haproxy:")
    balancer = compose["configs"]["haproxy-cfg"]["content"]
    assert "server api-ha-1 api-ha-1:8000 check" in balancer and "server api-ha-2 api-ha-2:8000 check" in balancer
    assert "option httpchk GET /health/ready" in balancer
    assert "host replication" in compose["configs"]["replication-hba"]["content"]


def test_the_image_installs_the_lock_before_the_code_and_checks_its_health() -> None:
    lines = (PROJECT_ROOT / "Dockerfile").read_text().splitlines()
    steps = [line.split()[0] + " " + line.split()[1] for line in lines if line and not line.startswith((" ", "#"))]
    assert steps.index("COPY requirements.lock") < steps.index("RUN pip") < steps.index("COPY domain")
    assert any(line.startswith("HEALTHCHECK") for line in lines)
    assert "USER inkwell" in lines
    ignored = set((PROJECT_ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".env", "var"} <= ignored


def test_pool_advice_reads_max_connections_from_the_live_server(postgres_url: str) -> None:
    result = cli("pool-advice", "--concurrency", "200", env={"DATABASE_URL": postgres_url, "WORKERS": "1"})
    assert result.returncode == 0, result.stderr
    assert "(read from the server)" in result.stdout
    assert "DB_POOL_SIZE=" in result.stdout


def test_pool_advice_warns_about_too_many_workers() -> None:
    result = cli("pool-advice", "--concurrency", "200", "--max-connections", "100", env={"WORKERS": "2"})
    assert result.returncode == 0, result.stderr
    assert "DB_POOL_SIZE=40\nDB_MAX_OVERFLOW=40" in result.stdout
    assert "WARNING" in result.stdout


async def test_connections_carry_the_application_name(postgres_url: str) -> None:
    database = SqlAlchemyDatabase(postgres_url, application_name="inkwell-test-probe")
    try:
        async with database.read_one() as connection:
            name = (await connection.execute(text("SELECT current_setting('application_name')"))).scalar_one()
    finally:
        await database.dispose()
    assert name == "inkwell-test-probe"


def test_the_example_environment_lists_every_setting_with_its_default() -> None:
    listed: dict[str, str] = {}
    for line in (PROJECT_ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            listed[name] = value
    assert set(listed) - {SUPERUSER_EMAIL_VARIABLE, "INKWELL_SUPERUSER_USERNAME", SUPERUSER_PASSWORD_VARIABLE} == {
        name.upper() for name in Settings.model_fields
    }
    defaults = Settings.model_validate({})
    for name in Settings.model_fields:
        assert listed[name.upper()] == _as_written(getattr(defaults, name)), name


def _as_written(default: object) -> str:
    """A default as an environment variable spells it."""
    if default is None:
        return ""
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)
