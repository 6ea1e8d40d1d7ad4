"""Profiles, and following them."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Response

from application.use_cases.follow_user import FollowUserCommand
from application.use_cases.unfollow_user import UnfollowUserCommand
from entrypoints.http.responses import JSONBytes
from entrypoints.http.use_cases import FollowUserCase, GetAuthorCase, UnfollowUserCase
from entrypoints.realworld import schemas
from entrypoints.realworld.auth import RequiredCaller, ViewerId
from entrypoints.realworld.errors import RealWorldRoute

router = APIRouter(prefix="/api/profiles", route_class=RealWorldRoute, include_in_schema=False)


@router.get("/{username}")
async def get_profile(username: str, viewer_id: ViewerId, authors: GetAuthorCase) -> Response:
    return JSONBytes({"profile": schemas.profile(await authors.execute(username, viewer_id=viewer_id))})


@router.post("/{username}/follow")
async def follow(username: str, caller: RequiredCaller, authors: GetAuthorCase, follow: FollowUserCase) -> Response:
    author = await authors.execute(username, viewer_id=caller.actor.id)
    await follow.execute(FollowUserCommand(actor=caller.actor, user_id=author.id))
    return JSONBytes({"profile": schemas.profile(replace(author, following=True))})


@router.delete("/{username}/follow")
async def unfollow(
    username: str, caller: RequiredCaller, authors: GetAuthorCase, unfollow: UnfollowUserCase
) -> Response:
    author = await authors.execute(username, viewer_id=caller.actor.id)
    await unfollow.execute(UnfollowUserCommand(actor=caller.actor, user_id=author.id))
    return JSONBytes({"profile": schemas.profile(replace(author, following=False))})
