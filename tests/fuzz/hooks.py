"""Schemathesis hooks for ``make fuzz`` (loaded through ``hooks`` in schemathesis.toml):
keep the fuzzer from destroying the accounts it logs in as (see ``accounts.guard``)."""

from __future__ import annotations

import os
from typing import Any

import schemathesis

from tests.fuzz.accounts import guard

PROTECTED_IDS_VARIABLE = "INKWELL_FUZZ_PROTECTED_IDS"
_PROTECTED = {int(user_id) for user_id in os.environ.get(PROTECTED_IDS_VARIABLE, "").split(",") if user_id}


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: dict[str, Any]) -> None:
    case.body = guard(case.method, case.operation.path, case.path_parameters, case.body, _PROTECTED)
