"""The FastAPI entrypoint: thin routes over use cases."""
