"""The composition root and the ways in: HTTP (FastAPI) and the CLI."""
