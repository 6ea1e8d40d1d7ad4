"""The accounts a fuzz run logs in as, and the guard that keeps the fuzzer from destroying them.

Schemathesis logs in through the OAuth2 form (a Web Fuzzing Commons auth document, which
``wfc_document`` writes) as ``ada`` first, and moves an operation on to ``bob`` and then
the superuser ``root`` when it answers 401/403. ``ada`` and ``bob`` are peers: the
``object_level_authorization`` check replays each one's reads as the other (a draft of
ada's must not show to bob).

A fuzzer that deletes, renames, deactivates or re-passwords the very account it logs in
as would leave every later bearer request a 401. ``guard`` steers those few requests away
from the fuzz accounts; everything else is sent as generated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

TOKEN_PATH = "/api/v1/auth/token"
PASSWORD = "fuzz-password-9"
# No row has this id (ids come from a sequence that a bounded run never takes this far).
UNUSED_ID = 2**31 - 1
# Fields that would lock the account out if changed: its login names, password, activity.
LOCKING_FIELDS = ("email", "username", "password", "is_active")


@dataclass(frozen=True)
class FuzzAccount:
    name: str
    superuser: bool

    @property
    def email(self) -> str:
        return f"{self.name}@fuzz.example.com"


PEERS = (FuzzAccount("ada", superuser=False), FuzzAccount("bob", superuser=False))
ROOT = FuzzAccount("root", superuser=True)
ACCOUNTS = (*PEERS, ROOT)


def wfc_document() -> dict[str, Any]:
    """Logins for every account, in the order schemathesis tries them."""
    return {
        "auth": [
            {
                "name": account.name,
                "loginEndpointAuth": {
                    "endpoint": TOKEN_PATH,
                    "verb": "POST",
                    "contentType": "application/x-www-form-urlencoded",
                    "payloadUserPwd": {
                        "username": account.name,
                        "password": PASSWORD,
                        "usernameField": "username",
                        "passwordField": "password",
                    },
                    "token": {
                        "extractFrom": "body",
                        "extractSelector": "/access_token",
                        "sendIn": "header",
                        "sendName": "Authorization",
                        "sendTemplate": "Bearer {token}",
                    },
                },
            }
            for account in ACCOUNTS
        ]
    }


def write_wfc_document(path: Path) -> Path:
    path.write_text(json.dumps(wfc_document(), indent=2))
    return path


def guard(method: str, path_template: str, path_parameters: dict[str, Any], body: Any, protected: set[int]) -> Any:
    """Steer a request away from the fuzz accounts (ids in ``protected``); return the body to send.

    ``path_parameters`` is changed in place: a ``DELETE /users/{user_id}`` of a fuzz account
    deletes no one instead. A ``PATCH`` of one keeps only its harmless fields, and a
    deactivation leaves them out."""
    if path_template == "/api/v1/users/{user_id}" and _names(path_parameters.get("user_id"), protected):
        if method == "DELETE":
            path_parameters["user_id"] = UNUSED_ID
        elif method == "PATCH" and isinstance(body, dict):
            return {key: value for key, value in body.items() if key not in LOCKING_FIELDS}
    if path_template == "/api/v1/admin/users/deactivate" and isinstance(body, dict):
        ids = body.get("user_ids")
        if isinstance(ids, list) and any(_names(user_id, protected) for user_id in ids):
            return {**body, "user_ids": [user_id for user_id in ids if not _names(user_id, protected)] or [UNUSED_ID]}
    return body


def _names(value: object, protected: set[int]) -> bool:
    """Whether a generated value is a fuzz account's id, as the server would read it: path
    parameters may be drawn as text ("1"), and negative cases send anything."""
    if isinstance(value, str):
        try:
            value = _AS_PATH_PARAMETER.validate_python(value)
        except ValidationError:
            return False
    return isinstance(value, int) and not isinstance(value, bool) and value in protected


_AS_PATH_PARAMETER = TypeAdapter(int)  # how the service reads an id from text ("+1", "1.0", ...)
