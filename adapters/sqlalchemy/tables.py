"""The schema, as the one source for the mappers, the readers and alembic."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.types import TypeDecorator

_MAX_ID = 2**31 - 1  # ids are 32-bit integers in the schema


def is_storable_id(value: int) -> bool:
    """Whether ``value`` can name a row at all; a larger one would only overflow the driver."""
    return 1 <= value <= _MAX_ID


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on PostgreSQL (timestamptz) and SQLite (naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; Inkwell stores timezone-aware UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(255), nullable=False),
    Column("username", String(100), nullable=False),
    Column("hashed_password", String(255), nullable=False),
    Column("full_name", String(255), nullable=True),
    Column("bio", Text, nullable=True),
    Column("image", String(2048), nullable=True),
    Column("is_active", Boolean, nullable=False, server_default=true()),
    Column("is_superuser", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False, server_default=func.current_timestamp()),
    Column("updated_at", UTCDateTime, nullable=False, server_default=func.current_timestamp()),
)
Index("uq_users_email_lower", func.lower(users.c.email), unique=True)
Index("uq_users_username", users.c.username, unique=True)


def _trigram_index(column: str) -> Index:
    """A GIN trigram index on lower(column), PostgreSQL only: it serves the search's
    ``lower(column) LIKE '%...%'`` (SQLite scans)."""
    lowered = func.lower(users.c[column]).label(f"{column}_lower")
    index = Index(
        f"ix_users_{column}_lower_trgm", lowered, postgresql_using="gin", postgresql_ops={lowered.name: "gin_trgm_ops"}
    )
    return index.ddl_if(dialect="postgresql")


TRIGRAM_INDEXES = tuple(_trigram_index(column) for column in ("email", "username", "full_name"))

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(255), nullable=False, unique=True),
    Column("title", String(255), nullable=False),
    Column("description", String(1000), nullable=False, server_default=""),
    Column("content", Text, nullable=False),
    Column("published", Boolean, nullable=False, server_default=false()),
    Column("author_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, server_default=func.current_timestamp()),
    Column("updated_at", UTCDateTime, nullable=False, server_default=func.current_timestamp()),
)
# An author's posts in id order, from any cursor; it also serves the foreign key.
Index("ix_posts_author_id_id", posts.c.author_id, posts.c.id)
# An author's published posts, read without the table: the feed's, many authors at a time.
Index(
    "ix_posts_author_id_id_published",
    posts.c.author_id,
    posts.c.id,
    postgresql_where=posts.c.published.is_(True),
    sqlite_where=posts.c.published.is_(True),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

Index("ix_posts_published_id", posts.c.published, posts.c.id)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("content", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, server_default=func.current_timestamp()),
)
# A post's comments in id order, from any cursor; it also serves the foreign key.
Index("ix_comments_post_id_id", comments.c.post_id, comments.c.id)

follows = Table(
    "follows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("follower_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("followee_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, server_default=func.current_timestamp()),
    # Whom a user follows, in id order from any cursor; it also serves that foreign key.
    UniqueConstraint("follower_id", "followee_id"),
)
# A user's followers, likewise.
Index("ix_follows_followee_id_follower_id", follows.c.followee_id, follows.c.follower_id)

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    # Its articles (published posts), kept by triggers (migration 0007), never by the service.
    Column("articles", Integer, nullable=False, server_default="0"),
)

post_tags = Table(
    "post_tags",
    metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), nullable=False),
    Column("position", SmallInteger, nullable=False),
    # A post's tags; it also serves that foreign key.
    PrimaryKeyConstraint("post_id", "tag_id"),
)
# The posts carrying a tag, newest first from any cursor; it also serves that foreign key.
Index("ix_post_tags_tag_id_post_id", post_tags.c.tag_id, post_tags.c.post_id)

favorites = Table(
    "favorites",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, server_default=func.current_timestamp()),
    # A user's favourites, newest post first from any cursor; it also serves that foreign key.
    PrimaryKeyConstraint("user_id", "post_id"),
)
# Who favours a post, and how many do; it also serves that foreign key.
Index("ix_favorites_post_id_user_id", favorites.c.post_id, favorites.c.user_id)
