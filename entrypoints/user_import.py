"""Users to import, read with the rules of ``POST /api/v1/users``: from the HTTP import's
JSON entries, and from the CLI's files (JSON lines or CSV), through the ImportUsers use case."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from application.auth import Actor
from application.use_cases.import_users import ImportUsersCommand, RejectedEntry
from application.use_cases.register_user import RegisterUserCommand
from entrypoints.container import Container
from entrypoints.http.schemas import UserCreate

Entry = RegisterUserCommand | RejectedEntry
# The operator at the command line may do what a superuser may. No row has id 0.
OPERATOR = Actor(id=0, is_superuser=True)


def read_entry(raw: object) -> Entry:
    """One user as the API would take it, or why not."""
    try:
        user = UserCreate.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "entry"
        return RejectedEntry(detail=f"{where}: {first['msg']}")
    return RegisterUserCommand(
        email=user.email, username=user.username, password=user.password, full_name=user.full_name
    )


@dataclass(frozen=True)
class NumberedEntry:
    line: int
    """Where the entry is in its file, counting from 1 (a CSV's header is line 1)."""
    entry: Entry


def read_entries(file: Path) -> list[NumberedEntry]:
    """A CSV file (by its suffix; a header row names the fields) or JSON lines (one object a
    line; blank lines skipped). A line that is no user becomes a rejected entry."""
    with file.open(newline="", encoding="utf-8") as lines:
        if file.suffix.lower() == ".csv":
            return [
                NumberedEntry(number, read_entry({key: value for key, value in row.items() if value not in ("", None)}))
                for number, row in enumerate(csv.DictReader(lines), start=2)
            ]
        return [NumberedEntry(number, _json_entry(text)) for number, text in enumerate(lines, start=1) if text.strip()]


def _json_entry(text: str) -> Entry:
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as error:
        return RejectedEntry(detail=f"not JSON: {error.msg}")
    return read_entry(raw)


@dataclass
class ImportReport:
    created: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    """(line, why) of each entry not created."""


async def import_users(
    running: AbstractAsyncContextManager[Container],
    entries: Sequence[NumberedEntry],
    batch: int,
    progress: Callable[[int], object],
) -> ImportReport:
    """Import ``entries`` ``batch`` at a time, each batch one ImportUsers command."""
    report = ImportReport()
    async with running as container:
        for start in range(0, len(entries), batch):
            chunk = entries[start : start + batch]
            command = ImportUsersCommand(actor=OPERATOR, entries=[numbered.entry for numbered in chunk])
            result = await container.import_users().execute(command)
            report.created += result.created
            report.rejected += [(chunk[failure.index].line, failure.detail) for failure in result.errors]
            progress(len(chunk))
    report.rejected.sort()
    return report
