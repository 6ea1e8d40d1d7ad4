"""The RealWorld (Conduit) API under ``/api``: a second HTTP surface over the same use cases."""
