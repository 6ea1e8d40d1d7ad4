"""Indexes for keyset pages at any depth, and trigram indexes for the search (PostgreSQL).

Each list reads an index range from its cursor: an author's posts by (author_id, id), a
post's comments by (post_id, id), a user's followers by (followee_id, follower_id) (whom
they follow: the unique constraint). These replace the single-column indexes that led with
the same column. The active users are listed by id now, so the index on (is_active,
created_at) serves nothing. The search's lower(column) LIKE reads GIN trigram indexes on
PostgreSQL; SQLite keeps its scan.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = ("email", "username", "full_name")


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_index("ix_posts_author_id_id", "posts", ["author_id", "id"])
    op.drop_index("ix_posts_author_id", table_name="posts")
    op.create_index("ix_comments_post_id_id", "comments", ["post_id", "id"])
    op.drop_index("ix_comments_post_id", table_name="comments")
    op.create_index("ix_follows_followee_id_follower_id", "follows", ["followee_id", "follower_id"])
    op.drop_index("ix_follows_followee_id", table_name="follows")
    op.drop_index("ix_users_is_active_created_at", table_name="users")
    if _on_postgresql():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in SEARCHED:
            op.create_index(
                f"ix_users_{column}_lower_trgm",
                "users",
                [sa.text(f"lower({column}) gin_trgm_ops")],
                postgresql_using="gin",
            )


def downgrade() -> None:
    if _on_postgresql():
        for column in SEARCHED:
            op.drop_index(f"ix_users_{column}_lower_trgm", table_name="users")
        # The extension stays: other databases' objects, or an operator's, may use it.
    op.create_index("ix_users_is_active_created_at", "users", ["is_active", "created_at"])
    op.create_index("ix_follows_followee_id", "follows", ["followee_id"])
    op.drop_index("ix_follows_followee_id_follower_id", table_name="follows")
    op.create_index("ix_comments_post_id", "comments", ["post_id"])
    op.drop_index("ix_comments_post_id_id", table_name="comments")
    op.create_index("ix_posts_author_id", "posts", ["author_id"])
    op.drop_index("ix_posts_author_id_id", table_name="posts")
