"""What the commands share: exit codes, the usage error, config lookup, report writing and
the exit status of a scan, and the options several commands take (config, excludes, entropy,
reports, live verification)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from wabaguard.core.config import Config
    from wabaguard.core.findings import ScanResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github", "markdown")
SEVERITIES = ("low", "medium", "high", "critical")
CONFIDENCES = ("low", "medium", "high")


class UsageError(click.ClickException):
    """A user error: message printed, exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"wabaguard: error: {self.message}", err=True)


def fail(message: str) -> UsageError:
    return UsageError(message)


def config_for(config_path: str | None, cwd: str, targets: Sequence[str] = ()) -> Config:
    """``--config FILE`` (its excludes relative to ``cwd``), else the nearest config file
    from the common parent of ``targets`` (``cwd`` when there are none) upward."""
    from wabaguard.core.config import Config, ConfigError, find_config_file, load_config
    from wabaguard.core.registry import rule_ids

    try:
        if config_path:
            return load_config(Path(config_path), rule_ids, relative_to=Path(cwd))
        path = find_config_file(_config_start(targets, cwd))
        if path is None:
            return Config()
        shown = os.path.relpath(path, cwd)  # messages name it as the user would
        if shown.startswith(os.pardir + os.sep) or os.path.isabs(shown):
            shown = str(path)
        return load_config(Path(shown), rule_ids, relative_to=path.parent)
    except ConfigError as exc:
        raise fail(str(exc)) from None


def _config_start(targets: Sequence[str], cwd: str) -> Path:
    """Where the config lookup starts: the deepest directory holding everything scanned (a
    file stands for its directory), so a config beside a scanned directory applies to it."""
    dirs = []
    for target in targets:
        path = os.path.normpath(os.path.join(cwd, target))
        dirs.append(path if os.path.isdir(path) else os.path.dirname(path))
    if not dirs:
        return Path(cwd)
    try:
        return Path(os.path.commonpath(dirs))
    except ValueError:  # paths on different drives (Windows)
        return Path(cwd)


def write(dest: str | None, text: str, color: bool = False) -> None:
    if dest is None or dest == "-":
        click.echo(text, nl=False, color=color)
        return
    try:
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "a" if _is_step_summary(dest) else "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise fail(f"cannot write {dest}: {exc.strerror}") from None


def _is_step_summary(dest: str) -> bool:
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    return bool(summary) and os.path.abspath(dest) == os.path.abspath(summary or "")


def use_color(dest: str | None) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return (dest is None or dest == "-") and sys.stdout.isatty()


# Options shared by `scan` and `baseline`, declared once.
config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file (default: the nearest .wabaguard.toml or pyproject.toml with a "
    "[tool.wabaguard] table, from the scanned paths up to the repository root).",
)
exclude_option = click.option(
    "--exclude",
    "excludes",
    multiple=True,
    metavar="GLOB",
    help="Skip paths matching this gitignore-style pattern (repeatable).",
)
entropy_option = click.option(
    "--entropy",
    is_flag=True,
    default=None,
    help="Also run detect-secrets' generic detectors (high entropy, keywords).",
)


# Live verification (scan and history): the same flags, the same semantics.
verify_options: tuple[Callable[[Any], Any], ...] = (
    click.option(
        "--verify",
        is_flag=True,
        help="Send each credential found to its issuer (Meta, MessageBird, Infobip, 360dialog, "
        "Twilio, Vonage) for a read-only check: active, invalid or unverifiable, and what it "
        "can reach (see docs/verification.md). Off by default.",
    ),
    click.option(
        "--verify-url-tokens",
        is_flag=True,
        help="With --verify: also send the tokens whose issuer reads them only from the URL "
        "path (GREEN-API), over https only. Without it they are not sent.",
    ),
    click.option(
        "--only-active",
        is_flag=True,
        help="With --verify: report only findings about credentials verified active.",
    ),
    click.option(
        "--verify-timeout",
        type=click.FloatRange(min=0.1, max=120),
        default=10.0,
        show_default=True,
        metavar="SECONDS",
        help="With --verify: timeout of each request to an issuer.",
    ),
)


def empty_result() -> ScanResult:
    from wabaguard.core.findings import ScanResult

    return ScanResult([], [], [], 0, 0, 0.0)


def finish(
    result: ScanResult,
    config: Config,
    fmt: str,
    output: str | None,
    extra_reports: list[tuple[str, str]],
    fail_on_error: bool = True,
) -> int:
    """Write the reports; the exit code: 1 for a finding at or above fail-on, else 2 for an
    analysis error (unless ``--no-fail-on-error``), else 0."""
    from wabaguard.core.registry import all_rules
    from wabaguard.reporters import render
    from wabaguard.reporters.text import count, summary_line

    # Only SARIF lists every rule; the other formats need none of them imported.
    needs_rules = fmt == "sarif" or any(extra == "sarif" for extra, _ in extra_reports)
    rules = all_rules() if needs_rules else ()
    color = use_color(output) if fmt == "text" else False
    write(output, render(fmt, result, rules, color), color)
    for extra_fmt, dest in extra_reports:
        write(dest, render(extra_fmt, result, rules, False))
    if output is not None and output != "-":
        click.echo(summary_line(result), err=True)  # the report went to a file: say something
    threshold = config.fail_on.rank
    if any(f.severity.rank >= threshold for f in result.findings):
        return EXIT_FINDINGS
    failed = {e.path for e in result.errors if e.level == "error"}
    if failed and fail_on_error:
        click.echo(
            f"wabaguard: {count(len(failed), 'file')} could not be fully analysed (see the "
            "report); "
            "exit status 2 (--no-fail-on-error reports them without failing)",
            err=True,
        )
        return EXIT_USAGE
    return EXIT_CLEAN


def parse_reports(reports: Sequence[str]) -> list[tuple[str, str]]:
    parsed = []
    for item in reports:
        fmt, sep, dest = item.partition("=")
        if not sep or fmt not in FORMATS or not dest:
            raise fail(
                f"--report {item!r}: expected FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}"
            )
        parsed.append((fmt, dest))
    return parsed


def with_options(options: Sequence[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """Apply click options kept in a tuple (in --help order), so a command with many options
    stays a short function."""

    def apply(function: Any) -> Any:
        for option in reversed(options):
            function = option(function)
        return function

    return apply


# The report options `scan` and `history` share, in --help order.
REPORT_OPTIONS: tuple[Callable[[Any], Any], ...] = (
    click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="Report format.",
    ),
    click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        help="Write the report to FILE instead of stdout (the summary line goes to stderr).",
    ),
    click.option(
        "--report",
        "reports",
        multiple=True,
        metavar="FORMAT=FILE",
        help="Also write another format from the same scan (repeatable).",
    ),
    click.option(
        "--fail-on",
        type=click.Choice(SEVERITIES),
        default=None,
        help="Lowest severity that fails the run (default: low, or the config's).",
    ),
)
no_progress_option = click.option("--no-progress", is_flag=True, help="Never show a progress line.")
