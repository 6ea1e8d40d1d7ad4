"""Demo data at scale: ``rows`` makes it (pure, deterministic), ``postgres`` bulk-loads it."""
