"""Schemathesis over every operation, with every check, in a bounded, deterministic run: the
app served by uvicorn (in a thread) on the run's PostgreSQL database, logged in as the fuzz
accounts (a user, its peer and a superuser). ``make fuzz`` is the longer, random run of the
same configuration (tests/fuzz/schemathesis.toml) against ``inkwell serve``."""

from __future__ import annotations

import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
import schemathesis.engine
import uvicorn
from fastapi import FastAPI
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from schemathesis.engine import Status, events
from schemathesis.engine.recorder import ScenarioRecorder
from schemathesis.schemas import BaseSchema

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import run_in_thread
from tests.databases import empty_tables
from tests.e2e.conftest import wired
from tests.fuzz.accounts import write_wfc_document
from tests.fuzz.hooks import PROTECTED_IDS_VARIABLE
from tests.fuzz.run import CONFIG, WFC_VARIABLE, create_accounts

pytestmark = pytest.mark.postgres

# Small and fixed: every operation, each phase, in well under a minute on two cores.
EXAMPLES = 3
ALL_CHECKS = frozenset(
    {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "positive_data_acceptance",
        "negative_data_rejection",
        "use_after_free",
        "ensure_resource_availability",
        "missing_required_header",
        "ignored_auth",
        "object_level_authorization",
        "unsupported_method",
        "allow_header_conformance",
    }
)
SEED = 20261129


@contextmanager
def served_by_uvicorn(app: FastAPI) -> Iterator[str]:
    """The app on a free port, lifespan and all; its base URL. Stopped (shutdown run) at exit."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def fuzz_config(*, seed: int | None = None, generation: dict[str, Any] | None = None) -> SchemathesisConfig:
    """tests/fuzz/schemathesis.toml, with a seed and generation settings of its own."""
    data = tomllib.loads(CONFIG.read_text())
    data["generation"] = {**data.get("generation", {}), **(generation or {})}
    if seed is not None:
        data["seed"] = seed
        data["cache"] = {"enabled": False}  # nothing carried over from an earlier run
    return SchemathesisConfig.from_dict(data)


@dataclass
class Outcome:
    """What one engine run found, by operation label."""

    tested: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    checks_run: set[str] = field(default_factory=set)


def run_engine(schema: BaseSchema) -> Outcome:
    """Every phase the configuration enables (coverage, fuzzing, stateful), as ``schemathesis run``."""
    outcome = Outcome()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            if event.status != Status.SKIP:
                outcome.tested.update(_labels(event.recorder))
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    outcome.checks_run.add(check.name)
                    if check.status != Status.SUCCESS and check.failure_info is not None:
                        failure = check.failure_info
                        outcome.problems.append(
                            f"{event.recorder.label} [{case_id}] {check.name}: {failure.failure.title}\n"
                            f"{failure.failure.message}\n{failure.code_sample}"
                        )
                    elif check.status != Status.SUCCESS:
                        outcome.problems.append(f"{event.recorder.label} [{case_id}] {check.name}: {check.status}")
        elif isinstance(event, events.NonFatalError):
            outcome.problems.append(f"{event.label}: error: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            outcome.problems.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            outcome.problems.extend(f"after the run: {failure.title}: {failure.message}" for failure in event.failures)
    return outcome


def _labels(recorder: ScenarioRecorder) -> set[str]:
    """The operations a scenario sent requests to (a stateful one spans several)."""
    return {case.value.operation.label for case in recorder.cases.values()}


@pytest.fixture(scope="module")
def fuzz_run(
    postgres_url: str, hasher: Argon2PasswordHasher, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BaseSchema, Outcome]]:
    """One bounded, deterministic run over the app served on the run's emptied database."""
    run_in_thread(empty_tables(postgres_url))
    container = wired(Settings(persistence="sqlalchemy", database_url=postgres_url), hasher)
    wfc = write_wfc_document(tmp_path_factory.mktemp("fuzz") / "auth.json")
    with served_by_uvicorn(create_app(container)) as base_url, pytest.MonkeyPatch.context() as environment:
        protected = create_accounts(base_url, postgres_url)
        environment.setenv(WFC_VARIABLE, str(wfc))
        environment.setenv(PROTECTED_IDS_VARIABLE, ",".join(map(str, protected)))
        config = fuzz_config(seed=SEED, generation={"max-examples": EXAMPLES, "deterministic": True})
        schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=config)
        yield schema, run_engine(schema)


def test_the_fuzz_configuration_enables_every_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WFC_VARIABLE, "unused.json")
    checks = fuzz_config().projects.get_default().checks
    assert {name for name in ALL_CHECKS if checks.get_by_name(name=name).enabled} == ALL_CHECKS


def test_every_operation_passes_every_check(fuzz_run: tuple[BaseSchema, Outcome]) -> None:
    _, outcome = fuzz_run
    assert outcome.problems == [], "\n\n".join(outcome.problems)


def test_every_operation_is_exercised_and_every_check_runs(fuzz_run: tuple[BaseSchema, Outcome]) -> None:
    schema, outcome = fuzz_run
    operations = {result.ok().label for result in schema.get_all_operations() if isinstance(result, Ok)}
    assert len(operations) >= 29
    assert operations - outcome.tested == set()
    assert ALL_CHECKS - outcome.checks_run == set()
