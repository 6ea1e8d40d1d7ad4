"""Operator commands: ``python -m entrypoints.cli {migrate,serve,create-superuser,pool-advice,seed}``.

Every command reads the same settings as the service (``DATABASE_URL``, ``HOST``,
``PORT``, ``WORKERS``, ... from the environment or ``.env``).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from entrypoints.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPERUSER_PASSWORD_VARIABLE = "INKWELL_SUPERUSER_PASSWORD"


def migrate(database_url: str) -> None:
    """Upgrade the database to the newest revision."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url)
    command.upgrade(config, "head")


def serve(settings: Settings) -> None:
    import uvicorn

    from entrypoints.logs import log_config

    if settings.workers > 1:
        _prepare_multiprocess_metrics()
    uvicorn.run(
        "entrypoints.http.main:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=False,  # the app writes its own access line, which names the route (ACCESS_LOG)
        proxy_headers=True,
        log_config=log_config(settings.log_format, sql_echo=settings.db_echo),
    )


def _prepare_multiprocess_metrics() -> None:
    """Several workers count requests into one directory (prometheus-client's multiprocess
    mode), so that /metrics answers their sum whichever worker is asked. The workers read
    ``PROMETHEUS_MULTIPROC_DIR`` when they start; last run's files are removed first."""
    import shutil
    import tempfile

    from entrypoints.http.metrics import MULTIPROCESS_DIRECTORY

    directory = os.environ.get(MULTIPROCESS_DIRECTORY) or tempfile.mkdtemp(prefix="inkwell-metrics-")
    shutil.rmtree(directory, ignore_errors=True)
    Path(directory).mkdir(parents=True)
    os.environ[MULTIPROCESS_DIRECTORY] = directory


async def create_superuser(settings: Settings, email: str, username: str, password: str) -> str:
    from application.use_cases.create_superuser import CreateSuperuserCommand
    from entrypoints.container import Container

    container = Container()
    container.settings.override(settings)
    database = container.database()
    try:
        user = await container.create_superuser().execute(
            CreateSuperuserCommand(email=email, username=username, password=password)
        )
    finally:
        await database.dispose()
    return f"created superuser {user.username} (id {user.id})"


async def pool_advice(settings: Settings, concurrency: int, max_connections: int | None) -> str:
    from adapters.sqlalchemy.database import SqlAlchemyDatabase
    from adapters.sqlalchemy.pool_sizing import advise_pool

    source = "given"
    if max_connections is None:
        database = SqlAlchemyDatabase(settings.database_url, application_name=settings.db_application_name)
        try:
            max_connections = await database.max_connections()
        except Exception as error:  # any failure to ask: say so and how to go on
            raise SystemExit(
                f"cannot read max_connections from the server ({error!r}); pass --max-connections"
            ) from error
        finally:
            await database.dispose()
        if max_connections is None:
            raise SystemExit("SQLite has no connection limit to size against; pass --max-connections")
        source = "read from the server"
    advice = advise_pool(concurrency=concurrency, max_connections=max_connections, workers=settings.workers)
    lines = [
        f"max_connections = {max_connections} ({source}); {advice.available} usable after a 20% reserve",
        f"DB_POOL_SIZE={advice.pool_size}",
        f"DB_MAX_OVERFLOW={advice.max_overflow}",
        f"worst case with WORKERS={settings.workers}: {advice.worst_case} connections",
    ]
    if advice.warning:
        lines.append(f"WARNING: {advice.warning}")
    return "\n".join(lines)


async def seed(settings: Settings, users: int, force: bool) -> str:
    """Demo data in the database at ``DATABASE_URL``; the work is the adapter's."""
    from adapters.security.argon2 import Argon2PasswordHasher
    from adapters.sqlalchemy.seed.postgres import seed_demo_data

    if settings.persistence == "memory":
        raise SystemExit("PERSISTENCE=memory keeps nothing to seed; seeding needs PostgreSQL")
    hasher = Argon2PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost_kib=settings.argon2_memory_cost_kib,
        parallelism=settings.argon2_parallelism,
        max_workers=1,
    )
    try:
        report = await seed_demo_data(
            settings.database_url, users=users, force=force, hasher=hasher, progress=_to_stderr
        )
    finally:
        hasher.close()
    return report.describe()


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _read_password() -> str:
    from_environment = os.environ.get(SUPERUSER_PASSWORD_VARIABLE)
    if from_environment:
        return from_environment
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise SystemExit("passwords differ")
    return password


def main(argv: list[str] | None = None) -> int:
    from application.errors import ApplicationError
    from domain.errors import InvalidValue

    parser = argparse.ArgumentParser(prog="inkwell", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    commands.add_parser("serve", help="run the HTTP service (uvicorn)")
    superuser = commands.add_parser(
        "create-superuser", help=f"create a superuser; password from ${SUPERUSER_PASSWORD_VARIABLE} or a prompt"
    )
    superuser.add_argument("--email", required=True)
    superuser.add_argument("--username", required=True)
    advice = commands.add_parser("pool-advice", help="advise DB_POOL_SIZE and DB_MAX_OVERFLOW for a load")
    advice.add_argument("--concurrency", type=int, required=True, help="concurrent requests per process")
    advice.add_argument("--max-connections", type=int, help="the server's limit (default: asked from the server)")
    seeding = commands.add_parser(
        "seed",
        help="fill the migrated PostgreSQL database at $DATABASE_URL with demo users, posts, comments and "
        "follows (every password 'inkwell-demo'); refuses a database with users unless --force",
    )
    seeding.add_argument("--users", type=_positive, required=True, help="how many users (each: 3 posts, 10 follows)")
    seeding.add_argument("--force", action="store_true", help="empty every table first (TRUNCATE ... CASCADE)")
    arguments = parser.parse_args(argv)

    settings = Settings(db_application_name="inkwell-cli")
    if arguments.command == "migrate":
        migrate(settings.database_url)
    elif arguments.command == "serve":
        serve(settings)
    elif arguments.command == "pool-advice":
        print(asyncio.run(pool_advice(settings, arguments.concurrency, arguments.max_connections)))
    elif arguments.command == "seed":
        from adapters.sqlalchemy.seed.postgres import SeedRefused

        try:
            print(asyncio.run(seed(settings, arguments.users, arguments.force)))
        except SeedRefused as refusal:
            print(f"error: {refusal}", file=sys.stderr)
            return 1
    else:
        password = _read_password()
        if not 8 <= len(password) <= 100:
            print("password must be 8 to 100 characters long", file=sys.stderr)
            return 2
        try:
            print(asyncio.run(create_superuser(settings, arguments.email, arguments.username, password)))
        except (ApplicationError, InvalidValue) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
