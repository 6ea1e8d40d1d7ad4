"""Tools for measuring Inkwell at scale (a seeded database of a million users)."""
