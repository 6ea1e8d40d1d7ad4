"""Bio and image on users; slug and description on posts; tags and favourites.

Every existing post gets the slug its title reads as (``domain.slugs``), made unique by its
id where an earlier post took it already. Both new links are keyed by the pair, led by the
side one lists from (a post's tags; a user's favourites), with an index the other way
round, which also serves its foreign key (the posts carrying a tag; a post's fans).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from domain.slugs import slugify, with_suffix

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5_000


def _timestamp(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.current_timestamp())


def upgrade() -> None:
    op.add_column("users", sa.Column("bio", sa.Text(), nullable=True))
    op.add_column("users", sa.Column("image", sa.String(2048), nullable=True))
    op.add_column("posts", sa.Column("slug", sa.String(255), nullable=True))
    op.add_column("posts", sa.Column("description", sa.String(1000), nullable=False, server_default=""))
    _give_every_post_a_slug()
    with op.batch_alter_table("posts") as posts:
        posts.alter_column("slug", existing_type=sa.String(255), nullable=False)
        posts.create_unique_constraint("uq_posts_slug", ["slug"])

    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tags"),
        sa.UniqueConstraint("name", name="uq_tags_name"),
    )
    op.create_table(
        "post_tags",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_post_tags_post_id_posts", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name="fk_post_tags_tag_id_tags", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id", "tag_id", name="pk_post_tags"),
    )
    op.create_index("ix_post_tags_tag_id_post_id", "post_tags", ["tag_id", "post_id"])
    op.create_table(
        "favorites",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_favorites_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name="fk_favorites_post_id_posts", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "post_id", name="pk_favorites"),
    )
    op.create_index("ix_favorites_post_id_user_id", "favorites", ["post_id", "user_id"])


def _give_every_post_a_slug() -> None:
    connection = op.get_bind()
    found = connection.execute(sa.text("SELECT id, title FROM posts ORDER BY id"))
    update = sa.text("UPDATE posts SET slug = :slug WHERE id = :id")
    for batch in _batches(_slugs(iter(found.all()))):
        connection.execute(update, batch)


def _slugs(posts: Iterator[tuple[int, str]]) -> Iterator[dict[str, object]]:
    """Each post's slug, oldest post first: the title's, or with the id once it is taken."""
    taken: set[str] = set()
    for post_id, title in posts:
        slug = slugify(title)
        attempt = 0
        while slug in taken:
            attempt += 1
            slug = with_suffix(slugify(title), str(post_id) if attempt == 1 else f"{post_id}-{attempt}")
        taken.add(slug)
        yield {"id": post_id, "slug": slug}


def _batches(rows: Iterator[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def downgrade() -> None:
    op.drop_index("ix_favorites_post_id_user_id", table_name="favorites")
    op.drop_table("favorites")
    op.drop_index("ix_post_tags_tag_id_post_id", table_name="post_tags")
    op.drop_table("post_tags")
    op.drop_table("tags")
    with op.batch_alter_table("posts") as posts:
        posts.drop_constraint("uq_posts_slug", type_="unique")
        posts.drop_column("description")
        posts.drop_column("slug")
    # Not in batch mode: rebuilding users on SQLite would lose its expression index.
    op.drop_column("users", "image")
    op.drop_column("users", "bio")
