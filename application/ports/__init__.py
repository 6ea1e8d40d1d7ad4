"""Ports: the interfaces the use cases need and the adapters implement."""
