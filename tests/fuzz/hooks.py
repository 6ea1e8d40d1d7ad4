"""Schemathesis hooks for the fuzz runs (loaded through ``hooks`` in schemathesis.toml, by
``make fuzz`` and by tests/e2e/test_openapi_fuzz.py alike): keep the fuzzer from destroying
the accounts it logs in as (see ``accounts.guard``), and send superuser-only operations as
the superuser from the start."""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from schemathesis.schemas import BaseSchema
from schemathesis.wfc.escalation import escalating_provider

from tests.fuzz.accounts import ROOT, guard

# The fuzz accounts' ids, comma-separated: read at every call, as a test sets it after the
# configuration (and so this module) has been loaded.
PROTECTED_IDS_VARIABLE = "INKWELL_FUZZ_PROTECTED_IDS"
SUPERUSER_TAG = "admin"


def protected_ids() -> set[int]:
    return {int(user_id) for user_id in os.environ.get(PROTECTED_IDS_VARIABLE, "").split(",") if user_id}


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: dict[str, Any]) -> None:
    case.body = guard(case.method, case.operation.path, case.path_parameters, case.body, protected_ids())


@schemathesis.hook
def after_load_schema(context: schemathesis.HookContext, schema: BaseSchema) -> None:
    """Schemathesis moves an operation from one login to the next when it answers 401/403
    (ada, no one, bob, root); a parameterless one such as GET /admin/pool gets too few
    requests to climb that far, so superuser-only operations start as root."""
    provider = escalating_provider(schema)
    if provider is None:
        return
    # From the raw document: operations built this early would keep a schema without its base URL.
    provider.restore(
        {
            f"{method.upper()} {path}": ROOT.name
            for path, item in schema.raw_schema.get("paths", {}).items()
            for method, operation in item.items()
            if isinstance(operation, dict) and SUPERUSER_TAG in operation.get("tags", ())
        }
    )
