"""One SQL adapter for PostgreSQL (asyncpg) and SQLite (aiosqlite)."""
