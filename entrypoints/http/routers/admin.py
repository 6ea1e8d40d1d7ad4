from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from application.use_cases.deactivate_users import DeactivateUsersCommand
from application.use_cases.import_users import ImportUsersCommand
from application.use_cases.transfer_posts import TransferPostsCommand
from entrypoints.http.dependencies import CurrentActor
from entrypoints.http.openapi import errors
from entrypoints.http.responses import JSONBytes
from entrypoints.http.schemas import RequestBody
from entrypoints.http.use_cases import DeactivateUsersCase, ImportUsersCase, TransferPostsCase
from entrypoints.user_import import read_entry

# Superusers only; every operation is a write that takes a body.
router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=errors(400, 401, 403, 409, 413, 503))


class TransferPostsBody(RequestBody):
    to_user_id: int


class DeactivateBody(RequestBody):
    user_ids: Annotated[list[int], Field(min_length=1, max_length=10_000)]


class ImportBody(RequestBody):
    """Entries are read one by one, so a bad entry is reported by index, not refused whole."""

    users: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=1000)]


class TransferredResponse(BaseModel):
    transferred: int


class DeactivatedResponse(BaseModel):
    deactivated: int


class ImportFailureResponse(BaseModel):
    index: int
    detail: str


class ImportResponse(BaseModel):
    created: int
    errors: list[ImportFailureResponse]


@router.post("/users/{user_id}/transfer-posts", response_model=TransferredResponse, responses=errors(404))
async def transfer_posts(
    user_id: int, body: TransferPostsBody, actor: CurrentActor, case: TransferPostsCase
) -> Response:
    command = TransferPostsCommand(actor=actor, from_user_id=user_id, to_user_id=body.to_user_id)
    return JSONBytes({"transferred": await case.execute(command)})


@router.post("/users/deactivate", response_model=DeactivatedResponse)
async def deactivate_users(body: DeactivateBody, actor: CurrentActor, case: DeactivateUsersCase) -> Response:
    command = DeactivateUsersCommand(actor=actor, user_ids=body.user_ids)
    return JSONBytes({"deactivated": await case.execute(command)})


@router.post("/users/import", response_model=ImportResponse)
async def import_users(body: ImportBody, actor: CurrentActor, case: ImportUsersCase) -> Response:
    command = ImportUsersCommand(actor=actor, entries=[read_entry(raw) for raw in body.users])
    return JSONBytes(await case.execute(command))
