"""`wabaguard history`: every credential the commits ever added, each reported once, with
the commit that introduced it and whether it is still at the tip (``sources/git_history``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from wabaguard.cli._common import (
    REPORT_OPTIONS,
    config_for,
    config_option,
    entropy_option,
    exclude_option,
    fail,
    finish,
    no_progress_option,
    parse_reports,
    verify_options,
    with_options,
)

_HISTORY_OPTIONS: tuple[Callable[[Any], Any], ...] = (
    click.option("--since", metavar="DATE|REV", help="Only commits after this revision or date."),
    click.option("--range", "range_", metavar="A..B", help="Exactly the commits of A..B."),
    click.option(
        "--branches",
        type=click.Choice(["all", "current"]),
        default="all",
        show_default=True,
        help="Walk every ref, or only what HEAD reaches.",
    ),
    click.option(
        "--pre-push",
        is_flag=True,
        help="Scan the commits being pushed (pre-commit's PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF).",
    ),
    click.option(
        "--gone-only",
        is_flag=True,
        help="Report only secrets gone from the tip (beside a scan of its files, which reports "
        "the rest).",
    ),
    *REPORT_OPTIONS,
    click.option(
        "--baseline",
        type=click.Path(dir_okay=False),
        help="Secrets listed in this baseline (at any path) are not reported.",
    ),
    config_option,
    exclude_option,
    entropy_option,
    click.option(
        "--max-file-size",
        type=click.IntRange(min=1),
        default=None,
        metavar="BYTES",
        help="Skip the rest of a change that adds more than this (default 2 MiB).",
    ),
    click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help="Scanning processes (default: 1 for a few commits, 2 for long histories).",
    ),
    click.option(
        "--fail-on-error/--no-fail-on-error",
        default=True,
        show_default=True,
        help="Exit 2 when a change could not be analysed, unless a finding already fails the run.",
    ),
    no_progress_option,
    *verify_options,
)


@click.command("history")
@click.argument("path", default=".", type=click.Path())
@with_options(_HISTORY_OPTIONS)
def history(path: str, **o: Any) -> int:
    """Scan git history: every credential the commits ever added, each reported once.

    All refs by default. A secret no longer at HEAD is still in every clone and fork:
    rotate it. See docs/history.md.
    """
    from wabaguard.cli.scan import (
        _check_destinations,
        _check_named_paths,
        _progress_enabled,
        _verify,
    )
    from wabaguard.core.builder import RawCredentials
    from wabaguard.core.findings import Severity
    from wabaguard.history import cli_support

    if o["only_active"] and not o["verify"]:
        raise fail("--only-active needs --verify (it filters on the live check's verdicts)")
    if o["verify_url_tokens"] and not o["verify"]:
        raise fail("--verify-url-tokens needs --verify (it widens what --verify sends)")
    cwd = os.getcwd()
    extra_reports = parse_reports(o["reports"])
    _check_destinations(o["output"], extra_reports, o["baseline"])
    _check_named_paths([path], cwd)
    config = config_for(o["config_path"], cwd, [path]).with_overrides(
        fail_on=Severity.parse(o["fail_on"]) if o["fail_on"] else None,
        entropy=o["entropy"],
        max_file_size=o["max_file_size"],
    )
    raw = RawCredentials() if o["verify"] else None  # raw values: only for --verify, only here
    try:
        result = cli_support.run(
            path,
            config,
            cwd=cwd,
            since=o["since"],
            range_=o["range_"],
            branches=o["branches"],
            pre_push=o["pre_push"],
            baseline=o["baseline"],
            excludes=o["excludes"],
            progress=_progress_enabled(o["no_progress"]),
            gone_only=o["gone_only"],
            jobs=o["jobs"],
            raw=raw,
        )
    except cli_support.UsageError as exc:
        raise fail(str(exc)) from None
    if raw is not None:
        _verify(
            result,
            raw,
            config,
            o["only_active"],
            o["verify_timeout"],
            url_tokens=o["verify_url_tokens"],
        )
    return finish(result, config, o["fmt"], o["output"], extra_reports, o["fail_on_error"])
