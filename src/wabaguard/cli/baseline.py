"""`wabaguard baseline`: write or update a detect-secrets baseline of every finding now."""

from __future__ import annotations

import os
from pathlib import Path

import click

from wabaguard.cli._common import (
    EXIT_CLEAN,
    config_for,
    config_option,
    entropy_option,
    exclude_option,
    fail,
)


@click.command("baseline")
@click.argument("baseline_file", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, type=click.Path())
@config_option
@exclude_option
@entropy_option
def baseline_cmd(
    baseline_file: str,
    paths: tuple[str, ...],
    config_path: str | None,
    excludes: tuple[str, ...],
    entropy: bool | None,
) -> int:
    """Create or update a baseline of every finding now: secrets and workflow findings.

    The file is a detect-secrets baseline (see docs/detect-secrets.md); `wabaguard audit
    BASELINE_FILE` labels its entries. On update, audit labels are kept, entries of files
    not scanned this time are kept, and entries of deleted files are dropped.
    """
    from wabaguard.cli.scan import run_scan
    from wabaguard.core.config import ConfigError
    from wabaguard.credentials.baseline import unread_files, write_baseline

    cwd = os.getcwd()
    targets = list(paths) or ["."]
    # The same config `scan` finds for these paths (looked up from them upward).
    config = config_for(config_path, cwd, targets).with_overrides(entropy=entropy)
    own = "/" + Path(os.path.relpath(baseline_file, cwd)).as_posix()
    result = run_scan(targets, config, cwd=cwd, extra_excludes=[*excludes, own])
    try:
        written = write_baseline(
            baseline_file,
            result.findings,
            entropy=config.entropy,
            keep=unread_files(targets, cwd, result),
            cwd=cwd,
        )
    except ConfigError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"cannot write {baseline_file}: {exc.strerror}") from None
    click.echo(
        f"wabaguard: wrote {written.secrets} secret(s) and {written.workflow} workflow "
        f"finding(s) to {baseline_file}",
        err=True,
    )
    if result.errors:
        click.echo(
            f"wabaguard: {len(result.errors)} file(s) could not be read in full; their "
            "earlier entries were kept",
            err=True,
        )
    return EXIT_CLEAN
