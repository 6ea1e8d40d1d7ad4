"""Use cases and the ports they depend on. Imports ``domain`` and the standard library only."""
