"""The operator's commands: ``inkwell`` (or ``python -m entrypoints.cli``).

Every command reads the service's settings from the environment or a ``.env`` file in the
working directory; each command's help names the ones it uses. Built on click, which
uvicorn already brings: the serving process loads nothing more for it.
"""

from __future__ import annotations

import asyncio
import getpass
import os
import shutil
import sys
from importlib.metadata import version
from pathlib import Path

import click

from entrypoints.settings import Settings

SUPERUSER_EMAIL_VARIABLE = "INKWELL_SUPERUSER_EMAIL"
SUPERUSER_USERNAME_VARIABLE = "INKWELL_SUPERUSER_USERNAME"
SUPERUSER_PASSWORD_VARIABLE = "INKWELL_SUPERUSER_PASSWORD"
IMPORT_BATCH = 1000


def _settings() -> Settings:
    return Settings(db_application_name="inkwell-cli")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("inkwell"), "--version", prog_name="inkwell")
def main() -> None:
    """Inkwell: users, posts, comments and followers. Settings come from the environment or
    ./.env (README: Configuration)."""


# --- db --------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """The schema's migrations (alembic), on DATABASE_URL."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Upgrade to REVISION (default: head). Waits for the database first
    (DB_CONNECT_ATTEMPTS pings, 0.5 s, 1 s, 2 s … apart). Reads DATABASE_URL."""
    from entrypoints.migrations import upgrade as run_upgrade
    from entrypoints.startup import DatabaseUnreachable

    settings = _settings()
    try:
        run_upgrade(settings.database_url, revision, attempts=settings.db_connect_attempts)
    except DatabaseUnreachable as error:
        raise click.ClickException(str(error)) from error


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Downgrade to REVISION (e.g. -1, or base: an empty database). Reads DATABASE_URL."""
    from entrypoints.migrations import downgrade as run_downgrade

    run_downgrade(_settings().database_url, revision)


@db.command()
def current() -> None:
    """The database's revision. Reads DATABASE_URL."""
    from entrypoints.migrations import current as read_current

    click.echo(read_current(_settings().database_url) or "(empty: no revision applied)")


@db.command()
def history() -> None:
    """Every revision, newest first (no database needed)."""
    from entrypoints.migrations import history as read_history

    for line in read_history():
        click.echo(line)


# --- serve -----------------------------------------------------------------------------


@main.command()
@click.option("--host", help="Where to listen [HOST, default 127.0.0.1].")
@click.option("--port", type=int, help="[PORT, default 8000]")
@click.option("--workers", type=click.IntRange(min=1), help="Processes [WORKERS, default 1].")
@click.option("--reload", is_flag=True, help="Restart on code changes (development; one process).")
def serve(host: str | None, port: int | None, workers: int | None, reload: bool) -> None:
    """Run the HTTP service (uvicorn). Reads every setting of README's Configuration:
    DATABASE_URL, DB_*, LOG_FORMAT, ACCESS_LOG, CORS_ORIGINS, REDIS_URL, WORKERS …"""
    given = {"host": host, "port": port, "workers": workers}
    settings = _settings().model_copy(update={key: value for key, value in given.items() if value is not None})
    _export(settings)
    made = _prepare_multiprocess_metrics() if settings.workers > 1 and not reload else None
    try:
        _run(settings, reload)
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


def _run(settings: Settings, reload: bool) -> None:
    import uvicorn

    from entrypoints.logs import log_config

    uvicorn.run(
        "entrypoints.http.main:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=None if reload else settings.workers,
        reload=reload,
        access_log=False,  # the app writes its own access line, which names the route (ACCESS_LOG)
        proxy_headers=True,
        log_config=log_config(settings.log_format, sql_echo=settings.db_echo),
    )


def _export(settings: Settings) -> None:
    """The app is built in each worker from the environment: flags given here go there too."""
    os.environ.update({"HOST": settings.host, "PORT": str(settings.port), "WORKERS": str(settings.workers)})


def _prepare_multiprocess_metrics() -> str | None:
    """Several workers count requests into one directory (prometheus-client's multiprocess
    mode), so that /metrics answers their sum whichever worker is asked. The workers read
    ``PROMETHEUS_MULTIPROC_DIR`` when they start; last run's files are removed first. Answers
    the directory when it is a temporary one made here, to be removed at exit."""
    import tempfile

    from entrypoints.http.metrics import MULTIPROCESS_DIRECTORY

    given = os.environ.get(MULTIPROCESS_DIRECTORY)
    directory = given or tempfile.mkdtemp(prefix="inkwell-metrics-")
    shutil.rmtree(directory, ignore_errors=True)
    Path(directory).mkdir(parents=True)
    os.environ[MULTIPROCESS_DIRECTORY] = directory
    return None if given else directory


# --- users -----------------------------------------------------------------------------


@main.group()
def users() -> None:
    """Accounts, as an operator (who may do what a superuser may)."""


@users.command("create-superuser")
@click.option("--email", envvar=SUPERUSER_EMAIL_VARIABLE, show_envvar=True, required=True)
@click.option(
    "--username", envvar=SUPERUSER_USERNAME_VARIABLE, show_envvar=True, help="Default: the email's local part."
)
@click.option("--if-missing", is_flag=True, help="Succeed without change when the email or username is taken.")
def create_superuser_command(email: str, username: str | None, if_missing: bool) -> None:
    """Create a superuser. The password comes from INKWELL_SUPERUSER_PASSWORD, else a prompt.
    Reads DATABASE_URL and the ARGON2_* settings."""
    from application.errors import ApplicationError, EmailOrUsernameTaken
    from domain.errors import InvalidValue

    password = _read_password()
    if not 8 <= len(password) <= 100:
        raise click.ClickException("the password must be 8 to 100 characters long")
    try:
        click.echo(asyncio.run(create_superuser(_settings(), email, username or email.split("@")[0], password)))
    except EmailOrUsernameTaken as error:
        if not if_missing:
            raise click.ClickException(str(error)) from error
        click.echo(f"{email}: already registered, nothing to do")
    except (ApplicationError, InvalidValue) as error:
        raise click.ClickException(str(error)) from error


async def create_superuser(settings: Settings, email: str, username: str, password: str) -> str:
    from application.use_cases.create_superuser import CreateSuperuserCommand
    from entrypoints.startup import running_container

    async with running_container(settings) as container:
        user = await container.create_superuser().execute(
            CreateSuperuserCommand(email=email, username=username, password=password)
        )
    return f"created superuser {user.username} (id {user.id})"


@users.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Register the users of FILE: JSON lines, or CSV with a header row (by the .csv suffix),
    each with email, username, password and optionally full_name, as POST /api/v1/users
    takes them. 1,000 at a time, each batch one transaction; every line is reported created
    or rejected (with why). Reads DATABASE_URL and the ARGON2_* settings."""
    from entrypoints.startup import running_container
    from entrypoints.user_import import import_users, read_entries

    entries = read_entries(file)
    with click.progressbar(length=len(entries), label=f"importing {file.name}", file=sys.stderr) as bar:
        report = asyncio.run(import_users(running_container(_settings()), entries, IMPORT_BATCH, bar.update))
    for line, detail in report.rejected:
        click.echo(f"line {line}: {detail}", err=True)
    click.echo(f"created {report.created}, rejected {len(report.rejected)} of {len(entries)}")


# --- operations ------------------------------------------------------------------------


@main.command()
@click.option("--users", type=click.IntRange(min=1), required=True, help="How many (each: 3 posts, 10 follows).")
@click.option("--force", is_flag=True, help="Empty every table first (TRUNCATE ... CASCADE).")
def seed(users: int, force: bool) -> None:
    """Fill the migrated PostgreSQL database with demo users, posts, comments and follows,
    every password 'inkwell-demo' (one hash for all); refuses a database with users unless
    --force. Reads DATABASE_URL and the ARGON2_* settings."""
    from adapters.sqlalchemy.seed.postgres import SeedRefused

    try:
        click.echo(asyncio.run(seed_demo_data(_settings(), users, force)))
    except SeedRefused as refusal:
        raise click.ClickException(str(refusal)) from refusal


async def seed_demo_data(settings: Settings, users: int, force: bool) -> str:
    """Demo data in the database at ``DATABASE_URL``; the work is the adapter's."""
    from adapters.security.argon2 import Argon2PasswordHasher
    from adapters.sqlalchemy.seed.postgres import seed_demo_data as load

    if settings.persistence == "memory":
        raise click.ClickException("PERSISTENCE=memory keeps nothing to seed; seeding needs PostgreSQL")
    hasher = Argon2PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost_kib=settings.argon2_memory_cost_kib,
        parallelism=settings.argon2_parallelism,
        max_workers=1,
    )
    try:
        report = await load(
            settings.database_url,
            users=users,
            force=force,
            hasher=hasher,
            progress=lambda line: click.echo(line, err=True),
        )
    finally:
        hasher.close()
    return report.describe()


@main.command("pool-advice")
@click.option("--concurrency", type=click.IntRange(min=1), required=True, help="Concurrent requests per process.")
@click.option("--max-connections", type=int, help="The server's limit (default: asked from the server).")
def pool_advice_command(concurrency: int, max_connections: int | None) -> None:
    """Advise DB_POOL_SIZE and DB_MAX_OVERFLOW for a load. Reads DATABASE_URL, WORKERS."""
    click.echo(asyncio.run(pool_advice(_settings(), concurrency, max_connections)))


async def pool_advice(settings: Settings, concurrency: int, max_connections: int | None) -> str:
    from adapters.sqlalchemy.database import SqlAlchemyDatabase
    from adapters.sqlalchemy.pool_sizing import advise_pool

    source = "given"
    if max_connections is None:
        database = SqlAlchemyDatabase(settings.database_url, application_name=settings.db_application_name)
        try:
            max_connections = await database.max_connections()
        except Exception as error:  # any failure to ask: say so and how to go on
            raise click.ClickException(
                f"cannot read max_connections from the server ({error!r}); pass --max-connections"
            ) from error
        finally:
            await database.dispose()
        if max_connections is None:
            raise click.ClickException("SQLite has no connection limit to size against; pass --max-connections")
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


def _read_password() -> str:
    from_environment = os.environ.get(SUPERUSER_PASSWORD_VARIABLE)
    if from_environment:
        return from_environment
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise click.ClickException("passwords differ")
    return password


if __name__ == "__main__":
    main()
