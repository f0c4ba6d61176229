"""The console script: the ``wabaguard`` group, its commands loaded on first use, and the
entry point that turns every outcome into an exit code.

Exit codes: 0 nothing at or above the fail-on threshold, 1 findings, 2 usage or configuration
error, or a file that could not be analysed (unless ``--no-fail-on-error``).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from wabaguard import __version__
from wabaguard.cli._common import EXIT_CLEAN, EXIT_USAGE

# Command name -> "module:attribute". A command's module is imported only when it runs (or
# for --help), so the hook's `wabaguard scan` never pays for the others.
COMMANDS = {
    "audit": "wabaguard.cli.audit:audit",
    "baseline": "wabaguard.cli.baseline:baseline_cmd",
    "demo": "wabaguard.cli.demo:demo",
    "explain": "wabaguard.cli.rules:explain",
    "history": "wabaguard.cli.history:history",
    "plugin-path": "wabaguard.cli.plugin_path:plugin_path",
    "rotation": "wabaguard.cli.rotation:rotation",
    "rules": "wabaguard.cli.rules:rules",
    "scan": "wabaguard.cli.scan:scan",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, name = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "-V", "--version", prog_name="wabaguard")
def cli() -> None:
    """Secret hygiene for WhatsApp Business API integrations.

    Finds hardcoded Meta and BSP credentials, CI workflows that leak secrets into command
    lines and build logs, and other weak operational practice.
    """


@cli.result_callback()
def _exit_with(rv: Any, **_: Any) -> None:
    # Commands return exit codes; make click honour them in standalone mode too.
    if isinstance(rv, int) and rv:
        click.get_current_context().exit(rv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the exit code instead of exiting (tests call it directly)."""
    try:
        rv: Any = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="wabaguard",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("wabaguard: aborted", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # never a traceback with file contents in it
        if os.environ.get("WABAGUARD_DEBUG"):
            raise  # for developers: a traceback may quote scanned content
        click.echo(
            f"wabaguard: internal error ({type(exc).__name__}); please report it "
            "(WABAGUARD_DEBUG=1 shows the traceback)",
            err=True,
        )
        return EXIT_USAGE
    return int(rv) if isinstance(rv, int) else EXIT_CLEAN


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
