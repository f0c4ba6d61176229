"""`wabaguard plugin-path`: where detect-secrets finds wabaguard's plugins."""

from __future__ import annotations

import click

from wabaguard.cli._common import EXIT_CLEAN, fail


@click.command("plugin-path")
def plugin_path() -> int:
    """Print the path of wabaguard's detect-secrets plugin file (for `detect-secrets -p`)."""
    from wabaguard.credentials.plugin_file import plugin_file

    path = plugin_file()
    if path is None:
        raise fail("the detect-secrets plugin module is not available")
    click.echo(path)
    return EXIT_CLEAN
