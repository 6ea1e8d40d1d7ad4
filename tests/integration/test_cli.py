"""The operator's CLI: migrations, a users import from a file, and the package installed as a
wheel, run from elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from sqlalchemy import make_url

from tests.integration.test_entrypoints import PROJECT_ROOT, cli

HEAD = sorted(path.name for path in (PROJECT_ROOT / "migrations" / "versions").glob("0*.py"))[-1].split("_")[0]
CHEAP_ARGON2 = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST_KIB": "8", "ARGON2_PARALLELISM": "1"}


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"


def test_db_commands_walk_the_revisions(tmp_path: Path) -> None:
    env = {"DATABASE_URL": sqlite_url(tmp_path)}
    assert cli("db", "current", env=env).stdout == "(empty: no revision applied)\n"
    assert cli("db", "upgrade", env=env).returncode == 0
    assert cli("db", "current", env=env).stdout.strip() == HEAD
    history = cli("db", "history", env=env).stdout.splitlines()
    assert history[0].startswith(f"{HEAD} (head): ") and len(history) == int(HEAD)
    assert cli("db", "downgrade", "base", env=env).returncode == 0
    assert cli("db", "current", env=env).stdout == "(empty: no revision applied)\n"


def test_a_url_with_an_escaped_password_migrates(postgres_url: str) -> None:
    # Trust authentication ignores the password; what matters is that "%" reaches the driver.
    url = make_url(postgres_url).set(password="p@ss%word")
    rendered = url.render_as_string(hide_password=False)
    assert "%25" in rendered
    result = cli("db", "upgrade", env={"DATABASE_URL": rendered})
    assert result.returncode == 0, result.stderr
    assert cli("db", "current", env={"DATABASE_URL": rendered}).stdout.strip() == HEAD


def test_upgrade_waits_for_the_database_then_gives_up_clearly() -> None:
    env = {"DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere", "DB_CONNECT_ATTEMPTS": "2"}
    result = cli("db", "upgrade", env=env)
    assert result.returncode == 1
    assert "database unreachable after 2 attempts" in result.stderr


def test_an_import_of_2500_lines_reports_what_it_created_and_rejected(tmp_path: Path) -> None:
    env = {"DATABASE_URL": sqlite_url(tmp_path), **CHEAP_ARGON2}
    assert cli("db", "upgrade", env=env).returncode == 0
    lines = [
        json.dumps({"email": f"user{n}@example.com", "username": f"user{n}", "password": "password123"})
        for n in range(2500)
    ]
    lines[10] = "{not json"
    lines[20] = json.dumps({"email": "nobody", "username": "bad", "password": "password123"})
    lines[1500] = json.dumps({"email": "USER3@example.com", "username": "again3", "password": "password123"})
    (tmp_path / "users.jsonl").write_text("\n".join(lines) + "\n")
    result = cli("users", "import", str(tmp_path / "users.jsonl"), env=env, timeout=240)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "created 2497, rejected 3 of 2500"
    rejected = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in rejected] == ["line 11", "line 21", "line 1501"]
    assert "already registered" in rejected[2]


def test_a_csv_import_reads_its_header(tmp_path: Path) -> None:
    env = {"DATABASE_URL": sqlite_url(tmp_path), **CHEAP_ARGON2}
    assert cli("db", "upgrade", env=env).returncode == 0
    rows = "email,username,password,full_name\nann@example.com,ann,password123,Ann A\nbo@example.com,bob,short,\n"
    (tmp_path / "users.csv").write_text(rows)
    result = cli("users", "import", str(tmp_path / "users.csv"), env=env)
    assert result.stdout.splitlines()[-1] == "created 1, rejected 1 of 2"
    assert "line 3: password" in result.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel and installed, without the checkout, into a fresh venv
    that borrows this venv's dependencies; answers the venv's python."""
    where = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-w",
            str(where),
            str(PROJECT_ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    fresh = where / "venv"
    venv.create(fresh, with_pip=False)
    site = next((fresh / "lib").glob("python3*/site-packages"))
    borrowed = next(path for path in sys.path if path.endswith("site-packages"))
    (site / "dependencies.pth").write_text(borrowed + "\n")
    wheel = next(where.glob("inkwell-*.whl"))
    unpacked = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert unpacked.returncode == 0, unpacked.stderr
    return fresh / "bin" / "python"


def test_the_installed_wheel_migrates_from_anywhere(installed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": sqlite_url(tmp_path)}

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(installed), "-m", "entrypoints.cli", *arguments], cwd=tmp_path, env=env, capture_output=True, text=True
        )

    where = subprocess.run(
        [str(installed), "-c", "import migrations; print(migrations.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert str(installed.parent.parent) in where.stdout, "the checkout, not the wheel, was imported"
    assert run("--version").stdout.startswith("inkwell, version ")
    assert run("db", "upgrade").returncode == 0
    assert run("db", "current").stdout.strip() == HEAD
