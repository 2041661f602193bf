"""The REST API and the local web dashboard (``bondwatch serve``).

Imported only by ``bondwatch serve`` and the tests: FastAPI and uvicorn never load with the CLI.
"""
