"""The ``chiplet-kg`` command: a thin layer over the Python API, one module per topic."""

from .main import cli, main

__all__ = ["cli", "main"]
