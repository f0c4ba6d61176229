"""The command line: one module per command; ``main`` is the console script."""

from wabaguard.cli.main import cli, entry, main

__all__ = ["cli", "entry", "main"]
