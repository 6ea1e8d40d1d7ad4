"""In-memory adapters: the same ports and semantics as the SQL adapter, no I/O."""
