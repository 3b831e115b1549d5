"""The marker classes; import them from :mod:`pytest_asyncio`."""
