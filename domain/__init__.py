"""The domain: entities, their invariants and domain errors. Standard library only."""
