"""Routes write their bodies with orjson straight from the read models; the bytes are the
ones the response models (pydantic) would write, so the contract holds byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import TypeAdapter

from application.auth import IssuedToken
from application.views import CommentDTO, PostDTO, UserDTO, UserSummaryDTO
from entrypoints.http.responses import flat, json_bytes
from entrypoints.http.schemas import (
    CommentResponse,
    PostDetailResponse,
    PostWithAuthorResponse,
    ProfileResponse,
    TokenResponse,
    UserResponse,
    UserSummary,
    UserWithPostsResponse,
)

WHOLE_SECOND = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
WITH_MICROSECONDS = datetime(2026, 1, 2, 3, 4, 5, 60, tzinfo=UTC)  # asyncpg's tzinfo
USER = UserDTO(
    id=7,
    email="zoë@example.com",
    username='a"b\\c/d',
    full_name="Zoë 💡 \u2028 \t tab",
    is_active=True,
    is_superuser=False,
    created_at=WHOLE_SECOND,
    updated_at=WITH_MICROSECONDS,
)
NAMELESS = UserDTO(
    id=8,
    email="x@example.com",
    username="x",
    full_name=None,
    is_active=False,
    is_superuser=True,
    created_at=WITH_MICROSECONDS + timedelta(days=400),
    updated_at=WHOLE_SECOND,
)
POST = PostDTO(
    id=1,
    title="<b>Title</b> & \u0001",
    content="line\nline\r\n\u00e9",
    published=False,
    author_id=7,
    created_at=WITH_MICROSECONDS,
    updated_at=WHOLE_SECOND,
)
COMMENT = CommentDTO(id=3, post_id=1, author_id=8, content="😀", created_at=WHOLE_SECOND)
SUMMARY = UserSummaryDTO(id=8, username="x", full_name=None)

CASES: list[tuple[str, Any, Any]] = [
    ("user", USER, UserResponse),
    ("users", [USER, NAMELESS], list[UserResponse]),
    ("with posts", flat(USER, posts=[POST]), UserWithPostsResponse),
    ("post with author", [flat(POST, author=SUMMARY)], list[PostWithAuthorResponse]),
    ("post detail", flat(POST, author=SUMMARY, comments=[COMMENT]), PostDetailResponse),
    (
        "profile",
        flat(NAMELESS, posts=[flat(POST, comments=[COMMENT])], followers=[SUMMARY], following=[]),
        ProfileResponse,
    ),
    ("summaries", [SUMMARY], list[UserSummary]),
    ("comments", [COMMENT], list[CommentResponse]),
    ("token", IssuedToken(access_token="abc", expires_in=3600), TokenResponse),
]


@pytest.mark.parametrize(("content", "model"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_the_body_is_what_the_response_model_writes(content: Any, model: Any) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    assert json_bytes(content) == adapter.dump_json(adapter.validate_python(content, from_attributes=True))


def test_flat_keeps_the_fields_in_order_then_the_extras() -> None:
    assert list(flat(SUMMARY, extra=1)) == ["id", "username", "full_name", "extra"]
