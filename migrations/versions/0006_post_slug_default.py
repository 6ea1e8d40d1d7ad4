"""A slug for posts written without one: ``post-`` and 16 random hex digits.

Inkwell always writes a slug (from the title, unique). Rows loaded by other tools — a bulk
load, the shared bench harness, a hand-written INSERT — name only the columns they know;
since 0004 made the slug NOT NULL, they would fail. A column default cannot read the title,
so it is random: 64 bits, unique in practice (and the unique constraint still guards it).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RANDOM_SLUG = {
    "postgresql": "'post-' || substr(md5(random()::text || clock_timestamp()::text), 1, 16)",
    "sqlite": "('post-' || lower(hex(randomblob(8))))",
}


def _set_default(default: str | None) -> None:
    with op.batch_alter_table("posts") as batch:
        batch.alter_column(
            "slug",
            existing_type=sa.String(255),
            existing_nullable=False,
            server_default=None if default is None else sa.text(default),
        )


def upgrade() -> None:
    _set_default(_RANDOM_SLUG[op.get_context().dialect.name])


def downgrade() -> None:
    _set_default(None)
