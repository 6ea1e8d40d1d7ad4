"""The article reads, one at a time: the first call, then the slowest and the median of the
30 after it, for each, read through the service's own ``SqlAlchemyArticleReader`` (built by
``entrypoints.container`` from ``DATABASE_URL``, as the service builds it), so the
statements timed are the ones served.

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/inkwell_seed_articles_1m \\
        python -m tests.scale.articles_probe [--repeat 30] [--explain]

Meant for a database filled by ``make seed USERS=N`` (then VACUUMed, as after any bulk
load: index-only scans need the visibility map): the user ``feedreader`` follows 1,000
authors; tag 1 is the most used, on about 5% of the posts, tag 100 on about 0.5%, tag 500 on
about 0.1% (``seed.rows.TAG_SKEW``). Every read is asked for by ``feedreader``, so whether
they follow each author and favour each article is answered too. Times are of the reader's
call (its statements on a pooled connection), without HTTP. The first call of each read is
shown apart: it runs on a connection that has not yet planned that read's statements (and
the first read of all also opens it).
``--explain`` prints EXPLAIN ANALYZE of each read's statements once, after the timings.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.article_readers import SqlAlchemyArticleReader
from adapters.sqlalchemy.rows import Statements
from adapters.sqlalchemy.seed.rows import FEED_READER
from application.ports.readers import ArticleReader
from application.queries import ArticleFilter, Page
from application.views import ArticlePageDTO
from entrypoints.container import Container
from tests.explaining import ExplainingConnections

PAGE = 20

Read = Callable[[ArticleReader], Awaitable[ArticlePageDTO]]


@dataclass(frozen=True)
class Timing:
    name: str
    first_ms: float
    slowest_ms: float
    median_ms: float
    articles: int
    count: int


@dataclass(frozen=True)
class Subjects:
    """Whom and what the reads are about, looked up once."""

    reader_id: int
    tags: dict[int, str]
    """Tag ids 1, 100 and 500 (most used first), by id."""
    author: str
    fan: str


async def subjects(container: Container) -> Subjects:
    """The feed reader, tags 1, 100 and 500 (the seed's most used, its hundredth and its
    five hundredth), and the middle user as the author and the fan."""
    async with container.primary_database().engine.connect() as connection:
        reader_id = (
            await connection.execute(text("SELECT id FROM users WHERE username = :name"), {"name": FEED_READER})
        ).scalar_one()
        found = await connection.execute(text("SELECT id, name FROM tags WHERE id IN (1, 100, 500)"))
        tags: dict[int, str] = {row.id: row.name for row in found}
        middle = await connection.execute(text("SELECT username FROM users WHERE id = :id"), {"id": reader_id // 2})
        someone = middle.scalar_one()
    return Subjects(reader_id=reader_id, tags=tags, author=someone, fan=someone)


def reads(about: Subjects) -> list[tuple[str, Read]]:
    viewer = about.reader_id
    first, at_200 = Page(limit=PAGE), Page(skip=200, limit=PAGE)
    return [
        ("feed of feedreader, first page", lambda articles: articles.feed(viewer, first)),
        ("feed of feedreader, offset 200", lambda articles: articles.feed(viewer, at_200)),
        *(
            (f"tag {name!r} (tag {tag_id}), first page", _tagged(name, first, viewer))
            for tag_id, name in sorted(about.tags.items())
        ),
        (
            f"author {about.author!r}",
            lambda articles: articles.list_page(ArticleFilter(author=about.author), first, viewer_id=viewer),
        ),
        (
            f"favorited by {about.fan!r}",
            lambda articles: articles.list_page(ArticleFilter(favorited_by=about.fan), first, viewer_id=viewer),
        ),
    ]


def _tagged(tag: str, page: Page, viewer: int) -> Read:
    return lambda articles: articles.list_page(ArticleFilter(tag=tag), page, viewer_id=viewer)


async def measure(reader: ArticleReader, name: str, read: Read, repeat: int) -> Timing:
    """The first call apart (on a connection that has not planned the read's statements,
    the process's first compiling them too), then ``repeat`` more."""
    durations = []
    found = ArticlePageDTO(articles=[], count=0)
    for _ in range(1 + repeat):
        started = time.perf_counter()
        found = await read(reader)
        durations.append((time.perf_counter() - started) * 1000)
    if not found.articles:
        raise SystemExit(f"{name}: an empty page; is the database seeded (make seed)?")
    first, *timed = durations
    return Timing(name, first, max(timed), statistics.median(timed), len(found.articles), found.count)


async def main(repeat: int, explain: bool) -> int:
    container = Container()
    try:
        about = await subjects(container)
        reader: ArticleReader = container.article_reader()
        chosen = reads(about)
        timings = [await measure(reader, name, read, repeat) for name, read in chosen]
        width = max(len(timing.name) for timing in timings)
        print(f"{'read':<{width}}  {'first ms':>8}  {'slowest ms':>10}  {'median ms':>9}  {'page':>4}  {'count':>7}")
        for timing in timings:
            print(
                f"{timing.name:<{width}}  {timing.first_ms:>8.1f}  {timing.slowest_ms:>10.1f}"
                f"  {timing.median_ms:>9.1f}  {timing.articles:>4}  {timing.count:>7,}"
            )
        if explain:
            await explain_reads(container, chosen)
    finally:
        await container.primary_database().dispose()
    return 0


async def explain_reads(container: Container, chosen: list[tuple[str, Read]]) -> None:
    database = container.primary_database()
    url = make_url(container.settings().database_url).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:

        async def show(sql: str, arguments: Sequence[Any]) -> None:
            plan = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *arguments)
            print(f"{sql}\n-- arguments {list(arguments)}")
            print("\n".join(line[0] for line in plan), end="\n\n")

        reader = SqlAlchemyArticleReader(ExplainingConnections(connection, Statements(database.engine.dialect), show))
        for name, read in chosen:
            print(f"\n## {name}\n")
            await read(reader)
    finally:
        await connection.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.scale.articles_probe", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="calls per read")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each read's statements once")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.repeat, arguments.explain)))
