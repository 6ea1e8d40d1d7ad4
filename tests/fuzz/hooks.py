"""Schemathesis hooks for the fuzz runs (loaded through ``hooks`` in schemathesis.toml, by
``make fuzz`` and by tests/e2e/test_openapi_fuzz.py alike): keep the fuzzer from destroying
the accounts it logs in as (see ``accounts.guard``)."""

from __future__ import annotations

import os
from typing import Any

import schemathesis

from tests.fuzz.accounts import guard

# The fuzz accounts' ids, comma-separated: read at every call, as a test sets it after the
# configuration (and so this module) has been loaded.
PROTECTED_IDS_VARIABLE = "INKWELL_FUZZ_PROTECTED_IDS"


def protected_ids() -> set[int]:
    return {int(user_id) for user_id in os.environ.get(PROTECTED_IDS_VARIABLE, "").split(",") if user_id}


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: dict[str, Any]) -> None:
    case.body = guard(case.method, case.operation.path, case.path_parameters, case.body, protected_ids())
