"""Bulk-load demo data into a migrated PostgreSQL database with COPY.

Everything happens in one transaction, so a failed or interrupted seed leaves the database
as it was. Inside it: the tables are emptied, the secondary indexes that back no constraint
are dropped (their definitions read from ``pg_indexes`` first, so indexes of any migration
come back as they were), every table is copied in batches (binary COPY), the indexes are
rebuilt, the sequences are set past the written ids, and the tables are analysed. Once it
has committed, the tables are vacuumed.

As a superuser the load also skips the foreign-key triggers (``session_replication_role =
replica``) and then proves every foreign key with one anti-join per key; otherwise the
triggers check each row as usual. Either way the triggers that count each tag's articles
(migration 0007's) stay off for the load, and each tag is counted once after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.seed.rows import (
    COMMENT_COLUMNS,
    FAVORITE_COLUMNS,
    FOLLOW_COLUMNS,
    POST_COLUMNS,
    POST_TAG_COLUMNS,
    TAG_COLUMNS,
    USER_COLUMNS,
    Batch,
    SeedPlan,
    comment_batches,
    favorite_batches,
    follow_batches,
    post_batches,
    post_tag_batches,
    tag_batches,
    user_batches,
)
from application.ports.security import PasswordHasher

DEMO_PASSWORD = "inkwell-demo"
"""Every seeded user's password."""

Progress = Callable[[str], None]

# In the order they are copied: each after the tables its rows refer to.
_TABLES = ("users", "posts", "comments", "follows", "tags", "post_tags", "favorites")
# Emptied too: tokens refer to users.
_EMPTIED = (*_TABLES, "access_tokens")

# Migration 0007's, by table: they keep tags.articles, one row update per tagging, which
# _recount does in one statement after the load (which deletes nothing: the third's work).
_COUNTING_TRIGGERS = (("post_tags", "count_tagging"), ("posts", "count_publishing"), ("posts", "untag_deleted_post"))


class SeedRefused(Exception):
    """The database cannot be seeded as asked; nothing was changed."""


class NotPostgres(SeedRefused):
    def __init__(self, backend: str) -> None:
        super().__init__(
            f"seeding needs PostgreSQL (DATABASE_URL=postgresql+asyncpg://...), not {backend}: "
            "the bulk load is PostgreSQL's COPY"
        )


class DatabaseNotEmpty(SeedRefused):
    def __init__(self) -> None:
        super().__init__("the database already has users; --force empties every table first")


class BrokenForeignKey(Exception):
    """Rows written without foreign-key triggers refer to rows that do not exist."""


@dataclass
class SeedReport:
    """Rows written per table, and seconds per phase, in the order they ran."""

    rows: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    foreign_keys: str = ""
    """How the foreign keys were enforced."""

    def describe(self) -> str:
        counts = ", ".join(f"{count:,} {table}" for table, count in self.rows.items())
        phases = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in self.phases.items())
        return f"seeded {counts} in {sum(self.phases.values()):.1f}s ({phases}); foreign keys {self.foreign_keys}"

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - started


async def seed_demo_data(
    database_url: str, *, users: int, force: bool, hasher: PasswordHasher, progress: Progress
) -> SeedReport:
    """Fill the migrated database at ``database_url`` with ``users`` demo users and their
    posts, comments, follows, tags and favourites (see ``rows``), every password
    ``DEMO_PASSWORD``.

    Raises ``NotPostgres`` for any other database, and ``DatabaseNotEmpty`` when a user
    exists and ``force`` is false; with ``force`` every table is emptied first
    (``TRUNCATE ... RESTART IDENTITY CASCADE``)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise NotPostgres(url.get_backend_name())
    report = SeedReport()
    with report.phase("hash"):
        plan = SeedPlan(users=users, hashed_password=await hasher.hash(DEMO_PASSWORD))
    connection = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        async with connection.transaction():
            await _load(connection, plan, force=force, report=report, progress=progress)
        # After the commit (VACUUM runs in no transaction): it marks the pages all-visible,
        # which index-only scans need, rather than leaving that to autovacuum (a few seconds
        # at a million users). Interrupted, it leaves the seeded rows as they are.
        with report.phase("vacuum"):
            progress("vacuum")
            await connection.execute(f"VACUUM {', '.join(_TABLES)}")
    finally:
        await connection.close()
    return report


async def _load(connection: Any, plan: SeedPlan, *, force: bool, report: SeedReport, progress: Progress) -> None:
    with report.phase("prepare"):
        await connection.execute(f"LOCK TABLE {', '.join(_EMPTIED)} IN ACCESS EXCLUSIVE MODE")
        if not force and await connection.fetchval("SELECT EXISTS (SELECT 1 FROM users)"):
            raise DatabaseNotEmpty()
        await connection.execute(f"TRUNCATE {', '.join(_EMPTIED)} RESTART IDENTITY CASCADE")
        indexes = await _secondary_indexes(connection)
        for index in indexes:
            await connection.execute(index.drop)
        skip_triggers = await _may_skip_foreign_key_triggers(connection)
        if skip_triggers:
            await connection.execute("SET LOCAL session_replication_role = replica")
        else:
            await _set_counting_triggers(connection, "DISABLE")
        report.foreign_keys = "proven after the load (triggers skipped)" if skip_triggers else "checked per row"
    loads: Sequence[tuple[str, Sequence[str], Iterator[Batch], int]] = (
        ("users", USER_COLUMNS, user_batches(plan), plan.users),
        ("posts", POST_COLUMNS, post_batches(plan), plan.posts),
        ("comments", COMMENT_COLUMNS, comment_batches(plan), plan.comments),
        ("follows", FOLLOW_COLUMNS, follow_batches(plan), plan.follows),
        ("tags", TAG_COLUMNS, tag_batches(plan), plan.tags),
        ("post_tags", POST_TAG_COLUMNS, post_tag_batches(plan), plan.post_tags_expected),
        ("favorites", FAVORITE_COLUMNS, favorite_batches(plan), plan.favorites),
    )
    for table, columns, batches, expected in loads:
        with report.phase(table):
            report.rows[table] = await _copy(connection, table, columns, batches, expected, progress)
    with report.phase("indexes"):
        await connection.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for index in indexes:
            progress(f"index {index.name}")
            await connection.execute(index.create)
    if skip_triggers:
        with report.phase("integrity"):
            await connection.execute("SET LOCAL session_replication_role = origin")
            await _prove_foreign_keys(connection)
    else:
        await _set_counting_triggers(connection, "ENABLE")
    with report.phase("counts"):
        await _recount(connection)
    with report.phase("sequences+analyze"):
        # The links (post_tags, favorites) are keyed by their pair and have no sequence.
        for table in (table for table, columns, *_ in loads if "id" in columns):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
            )
        await connection.execute(f"ANALYZE {', '.join(_TABLES)}")


async def _copy(
    connection: Any, table: str, columns: Sequence[str], batches: Iterator[Batch], expected: int, progress: Progress
) -> int:
    """Copy ``batches`` into ``table``, telling ``progress`` at each tenth of about
    ``expected`` rows and at the end."""
    written, reported, started = 0, 0, time.perf_counter()
    told = False
    for batch in batches:
        await connection.copy_records_to_table(table, records=batch, columns=columns)
        written += len(batch)
        told = written * 10 // max(expected, 1) > reported
        if told:
            reported = written * 10 // max(expected, 1)
            progress(f"{table}: {written:,} / {expected:,} rows ({time.perf_counter() - started:.1f}s)")
    if not told:
        progress(f"{table}: {written:,} rows ({time.perf_counter() - started:.1f}s)")
    return written


@dataclass(frozen=True)
class _SecondaryIndex:
    """An index other than a primary key, with what removes it and what makes it again."""

    name: str
    drop: str
    create: str


async def _secondary_indexes(connection: Any) -> list[_SecondaryIndex]:
    """The seeded tables' indexes but their primary keys (which foreign keys rely on): plain
    indexes, rebuilt from ``pg_indexes.indexdef``, and unique constraints no foreign key
    refers to, rebuilt from ``pg_get_constraintdef``."""
    rows = await connection.fetch(
        """
        SELECT i.tablename, i.indexname, i.indexdef, c.conname, pg_get_constraintdef(c.oid) AS condef
        FROM pg_indexes i
        LEFT JOIN pg_constraint c
          ON c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass AND c.contype <> 'f'
        WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
          AND (c.oid IS NULL OR c.contype = 'u' AND NOT EXISTS (
            SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid
          ))
        ORDER BY i.tablename, i.indexname
        """,
        list(_TABLES),
    )
    indexes = []
    for row in rows:
        if row["conname"] is None:
            drop, create = f'DROP INDEX "{row["indexname"]}"', row["indexdef"]
        else:
            on = f'ALTER TABLE "{row["tablename"]}"'
            drop = f'{on} DROP CONSTRAINT "{row["conname"]}"'
            create = f'{on} ADD CONSTRAINT "{row["conname"]}" {row["condef"]}'
        indexes.append(_SecondaryIndex(row["indexname"], drop, create))
    return indexes


async def _may_skip_foreign_key_triggers(connection: Any) -> bool:
    """Only a superuser may, only where the foreign keys' and the counts' (``_recount``)
    are the only triggers (a replica session would skip any other silently), and only where
    ``_prove_foreign_keys`` can prove every key afterwards (each has one column)."""
    return bool(
        await connection.fetchval(
            """
            SELECT current_setting('is_superuser') = 'on'
              AND NOT EXISTS (
                SELECT 1 FROM pg_trigger
                WHERE tgrelid = ANY($1::text[]::regclass[]) AND NOT tgisinternal AND tgname <> ALL($2::text[])
              )
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint
                WHERE contype = 'f' AND conrelid = ANY($1::text[]::regclass[]) AND cardinality(conkey) > 1
              )
            """,
            list(_TABLES),
            [trigger for _, trigger in _COUNTING_TRIGGERS],
        )
    )


async def _set_counting_triggers(connection: Any, state: str) -> None:
    """Counting triggers off (``DISABLE``) for the load when the foreign keys' stay on, or
    back on (``ENABLE``) after it, in the load's transaction."""
    for table, trigger in _COUNTING_TRIGGERS:
        await connection.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")


async def _recount(connection: Any) -> None:
    """Each tag's articles, counted anew from the loaded taggings of published posts (as
    migration 0007's backfill does; the migration keeps its own copy, as it was then)."""
    await connection.execute(
        """
        UPDATE tags SET articles = counted.articles
        FROM (
            SELECT post_tags.tag_id, count(*) AS articles
            FROM post_tags JOIN posts ON posts.id = post_tags.post_id
            WHERE posts.published
            GROUP BY post_tags.tag_id
        ) AS counted
        WHERE tags.id = counted.tag_id
        """
    )


async def _prove_foreign_keys(connection: Any) -> None:
    """Every single-column foreign key of the seeded tables holds, or ``BrokenForeignKey``
    names the first one some row breaks.

    Where the referenced column holds every integer from its minimum to its maximum (a
    primary key whose row count equals that span), it is enough that the referring column's
    minimum and maximum lie within: each an index lookup. Otherwise one anti-join."""
    keys = await connection.fetch(
        """
        SELECT c.conname, c.conrelid::regclass::text AS child, a.attname AS child_column,
               c.confrelid::regclass::text AS parent, af.attname AS parent_column
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.conrelid = ANY($1::text[]::regclass[]) AND cardinality(c.conkey) = 1
        ORDER BY c.conname
        """,
        list(_TABLES),
    )
    await connection.execute("SET LOCAL work_mem = '256MB'")  # an anti-join's hash in memory
    spans: dict[tuple[str, str], tuple[int, int] | None] = {}
    for key in keys:
        child, child_column = f'"{key["child"]}"', f'"{key["child_column"]}"'
        parent, parent_column = f'"{key["parent"]}"', f'"{key["parent_column"]}"'
        if (parent, parent_column) not in spans:
            spans[parent, parent_column] = await _contiguous_span(connection, parent, parent_column)
        span = spans[parent, parent_column]
        if span is not None:
            low, high = await connection.fetchrow(f"SELECT min({child_column}), max({child_column}) FROM {child}")
            if low is None or (span[0] <= low and high <= span[1]):
                continue
        broken = await connection.fetchval(
            f"SELECT count(*) FROM {child} child WHERE NOT EXISTS "
            f"(SELECT 1 FROM {parent} parent WHERE parent.{parent_column} = child.{child_column})"
        )
        if broken:
            raise BrokenForeignKey(f"{broken} rows break {key['conname']}")


async def _contiguous_span(connection: Any, table: str, column: str) -> tuple[int, int] | None:
    """(min, max) of a referenced column (unique: a foreign key needs that) when it holds
    every integer in between, else None."""
    row = await connection.fetchrow(
        f"SELECT min({column}) AS low, max({column}) AS high, count({column}) AS values FROM {table}"
    )
    low, high = row["low"], row["high"]
    if not isinstance(low, int) or not isinstance(high, int) or row["values"] != high - low + 1:
        return None
    return low, high
