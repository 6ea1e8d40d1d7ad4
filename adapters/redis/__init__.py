"""Redis adapters: state that every worker and instance of the service shares."""
