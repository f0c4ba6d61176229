"""The command line: ``wabaguard scan|baseline|rules|explain``. Every command returns an exit code.

Exit codes: 0 nothing at or above the fail-on threshold, 1 findings, 2 usage or configuration
error, or a file that could not be analysed (unless ``--no-fail-on-error``).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wabaguard import __version__

if TYPE_CHECKING:
    from wabaguard.config import Config
    from wabaguard.findings import Rule
    from wabaguard.scan import ScanResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github", "markdown")
SEVERITIES = ("low", "medium", "high", "critical")
CONFIDENCES = ("low", "medium", "high")


class _Abort(click.ClickException):
    """A user error: message printed, exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"wabaguard: error: {self.message}", err=True)


def _fail(message: str) -> _Abort:
    return _Abort(message)


def _load_config(config_path: str | None, cwd: str, targets: Sequence[str] = ()) -> Config:
    """``--config FILE`` (its excludes relative to ``cwd``), else the nearest config file
    from the common parent of ``targets`` (``cwd`` when there are none) upward."""
    from wabaguard.config import Config, ConfigError, find_config_file, load_config
    from wabaguard.registry import rule_ids

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
        raise _fail(str(exc)) from None


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


def _parse_reports(reports: Sequence[str]) -> list[tuple[str, str]]:
    parsed = []
    for item in reports:
        fmt, sep, dest = item.partition("=")
        if not sep or fmt not in FORMATS or not dest:
            raise _fail(
                f"--report {item!r}: expected FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}"
            )
        parsed.append((fmt, dest))
    return parsed


def _read_files_from(source: str) -> list[str]:
    try:
        if source == "-":
            data = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as fh:
                data = fh.read()
    except OSError as exc:
        raise _fail(f"--files-from {source}: {exc.strerror}") from None
    # Paths may begin or end with spaces: only line endings are removed.
    return [line.rstrip("\r") for line in data.split("\n") if line.strip()]


def _write(dest: str | None, text: str, color: bool = False) -> None:
    if dest is None or dest == "-":
        click.echo(text, nl=False, color=color)
        return
    try:
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "a" if _is_step_summary(dest) else "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise _fail(f"cannot write {dest}: {exc.strerror}") from None


def _is_step_summary(dest: str) -> bool:
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    return bool(summary) and os.path.abspath(dest) == os.path.abspath(summary or "")


class _Progress:
    """Files done / total on stderr, only on a terminal, only once a scan is slow."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.started < 1.0:
            return
        self.shown = True
        sys.stderr.write(f"\rwabaguard: {done}/{total} files")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _progress_enabled(no_progress: bool) -> bool:
    return (
        not no_progress
        and sys.stderr.isatty()
        and not os.environ.get("CI")
        and not os.environ.get("GITHUB_ACTIONS")
    )


def _use_color(dest: str | None) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return (dest is None or dest == "-") and sys.stdout.isatty()


# Options shared by `scan` and `baseline`, declared once.
_config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file (default: the nearest .wabaguard.toml or pyproject.toml with a "
    "[tool.wabaguard] table, from the scanned paths up to the repository root).",
)
_exclude_option = click.option(
    "--exclude",
    "excludes",
    multiple=True,
    metavar="GLOB",
    help="Skip paths matching this gitignore-style pattern (repeatable).",
)
_entropy_option = click.option(
    "--entropy",
    is_flag=True,
    default=None,
    help="Also run detect-secrets' generic detectors (high entropy, keywords).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the report to FILE instead of stdout (the summary line goes to stderr).",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=FILE",
    help="Also write another format from the same scan (repeatable).",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=None,
    help="Lowest severity that fails the run (default: low, or the config's).",
)
@click.option(
    "--min-confidence",
    type=click.Choice(CONFIDENCES),
    default=None,
    help="Lowest confidence reported (default: medium, low with --entropy, or the config's).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Baseline (`wabaguard baseline`): findings listed there are not reported.",
)
@_config_option
@_exclude_option
@_entropy_option
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    default=None,
    metavar="BYTES",
    help="Skip files larger than this (default 2 MiB).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: 1 for a few files, 2 for large scans).",
)
@click.option(
    "--files-from",
    type=str,
    default=None,
    metavar="FILE",
    help="Read paths to scan from FILE, one per line ('-' for stdin).",
)
@click.option(
    "--fail-on-error/--no-fail-on-error",
    default=True,
    show_default=True,
    help="Exit 2 when a file could not be analysed (an invalid workflow, an internal error), "
    "unless a finding already fails the run (exit 1).",
)
@click.option("--no-progress", is_flag=True, help="Never show a progress line.")
def scan(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    reports: tuple[str, ...],
    fail_on: str | None,
    min_confidence: str | None,
    baseline: str | None,
    config_path: str | None,
    excludes: tuple[str, ...],
    entropy: bool | None,
    max_file_size: int | None,
    jobs: int | None,
    files_from: str | None,
    fail_on_error: bool,
    no_progress: bool,
) -> int:
    """Scan files and directories (default: the current directory)."""
    from wabaguard.findings import Confidence, Severity

    cwd = os.getcwd()
    extra_reports = _parse_reports(reports)
    _check_destinations(output, extra_reports, baseline)
    _check_named_paths(paths, cwd)
    targets = list(paths)
    if files_from is not None:
        targets.extend(_read_files_from(files_from))
    config = _load_config(config_path, cwd, targets)
    config = config.with_overrides(
        fail_on=Severity.parse(fail_on) if fail_on else None,
        entropy=entropy,
        max_file_size=max_file_size,
        min_confidence=Confidence.parse(min_confidence) if min_confidence else None,
    )
    if files_from is not None and not targets:
        return _finish(_empty_result(), config, fmt, output, extra_reports, fail_on_error)
    if not targets:
        targets = ["."]
    base = None
    extra_excludes = list(excludes)
    if baseline:
        from wabaguard.baseline import load_baseline
        from wabaguard.config import ConfigError

        try:
            base = load_baseline(baseline)
        except ConfigError as exc:
            raise _fail(str(exc)) from None
        extra_excludes.append("/" + Path(os.path.relpath(baseline, cwd)).as_posix())
    from wabaguard.scan import run_scan

    progress = _Progress(_progress_enabled(no_progress))
    try:
        result = run_scan(
            targets, config, cwd=cwd, extra_excludes=extra_excludes, jobs=jobs, progress=progress
        )
    finally:
        progress.close()
    if base is not None:
        kept = [f for f in result.findings if not base.suppresses(f)]
        result.suppressed += len(result.findings) - len(kept)
        result.findings = kept
    return _finish(result, config, fmt, output, extra_reports, fail_on_error)


def _check_named_paths(paths: Sequence[str], cwd: str) -> None:
    """A PATH argument that does not exist or cannot be read is a usage error (exit 2)."""
    from wabaguard.discovery import named_path_problem, printable

    problems = [
        f"{printable(path)}: {problem}"
        for path in paths
        if (problem := named_path_problem(path, cwd)) is not None
    ]
    if problems:
        raise _fail("cannot scan " + "; ".join(problems))


def _check_destinations(
    output: str | None, extra_reports: Sequence[tuple[str, str]], baseline: str | None
) -> None:
    """Two reports to one file would leave only the last; a report over the baseline would
    destroy it. Both are usage errors, found before anything is scanned or written."""
    seen: dict[str, str] = {}
    named = [("--output", output or "-")]
    named += [(f"--report {fmt}={dest}", dest) for fmt, dest in extra_reports]
    for option, dest in named:
        key = _destination_key(dest)
        if key in seen:
            where = "stdout" if dest == "-" else dest
            raise _fail(f"{option} writes to {where}, as {seen[key]} does: give each its own file")
        seen[key] = option
    if baseline:
        key = _destination_key(baseline)
        if key in seen:
            raise _fail(f"{seen[key]} would overwrite the --baseline file {baseline}")


def _destination_key(dest: str) -> str:
    if dest == "-":
        return "-"
    return os.path.normcase(os.path.realpath(dest))


def _empty_result() -> ScanResult:
    from wabaguard.scan import ScanResult

    return ScanResult([], [], [], 0, 0, 0.0)


def _finish(
    result: ScanResult,
    config: Config,
    fmt: str,
    output: str | None,
    extra_reports: list[tuple[str, str]],
    fail_on_error: bool = True,
) -> int:
    """Write the reports; the exit code: 1 for a finding at or above fail-on, else 2 for an
    analysis error (unless ``--no-fail-on-error``), else 0."""
    from wabaguard.registry import all_rules
    from wabaguard.reporters import render
    from wabaguard.reporters.text import count, summary_line

    # Only SARIF lists every rule; the other formats need none of them imported.
    needs_rules = fmt == "sarif" or any(extra == "sarif" for extra, _ in extra_reports)
    rules = all_rules() if needs_rules else ()
    color = _use_color(output) if fmt == "text" else False
    _write(output, render(fmt, result, rules, color), color)
    for extra_fmt, dest in extra_reports:
        _write(dest, render(extra_fmt, result, rules, False))
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


@cli.command("baseline")
@click.argument("baseline_file", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, type=click.Path())
@_config_option
@_exclude_option
@_entropy_option
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
    from wabaguard.baseline import unread_files, write_baseline
    from wabaguard.config import ConfigError
    from wabaguard.scan import run_scan

    cwd = os.getcwd()
    targets = list(paths) or ["."]
    # The same config `scan` finds for these paths (looked up from them upward).
    config = _load_config(config_path, cwd, targets).with_overrides(entropy=entropy)
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
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"cannot write {baseline_file}: {exc.strerror}") from None
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


@cli.command()
@click.argument("baseline_file", type=click.Path(dir_okay=False))
@click.option(
    "--stats", is_flag=True, help="Count labelled and unlabelled entries, change nothing."
)
@click.option("--json", "as_json", is_flag=True, help="With --stats: print JSON.")
@_config_option
def audit(baseline_file: str, stats: bool, as_json: bool, config_path: str | None) -> int:
    """Label a baseline's entries as real or false positives (never showing a secret).

    Asks about each entry without a label and stores the answer as `is_secret`, as
    `detect-secrets audit` does; unlike it, it shows only the redacted line.
    """
    from wabaguard import audit as auditing
    from wabaguard.config import ConfigError

    try:
        if stats:
            click.echo(auditing.statistics(baseline_file, as_json), nl=False)
            return EXIT_CLEAN
        cwd = os.getcwd()
        config = _load_config(config_path, cwd)
        return auditing.label_interactively(baseline_file, config, cwd)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"cannot write {baseline_file}: {exc.strerror}") from None


@cli.command()
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text"
)
def rules(fmt: str) -> int:
    """List every rule: id, severity, title."""
    from wabaguard.registry import all_rules

    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "severity": r.severity.value,
                        "confidence": r.confidence.value,
                        "kind": r.kind.value,
                        "title": r.title,
                        "fix": r.fix,
                        "help_uri": r.help_uri,
                    }
                    for r in all_rules()
                ],
                indent=2,
            )
        )
        return EXIT_CLEAN
    if fmt == "markdown":
        click.echo(_rules_markdown(all_rules()), nl=False)
        return EXIT_CLEAN
    width = max(len(r.id) for r in all_rules())
    for r in all_rules():
        click.echo(f"{r.id:<{width}}  {r.severity.value:<8}  {r.title}")
    return EXIT_CLEAN


def _rules_markdown(rules: Sequence[Rule]) -> str:
    """The docs/rules/README.md index (regenerate with `wabaguard rules -f markdown`)."""
    lines = [
        "# Rules",
        "",
        "Generated by `wabaguard rules --format markdown`; a test keeps it in step with the code.",
        "",
        "| Rule | Kind | Severity | Title |",
        "| --- | --- | --- | --- |",
    ]
    for r in rules:
        title = r.title.replace("|", "\\|")
        lines.append(f"| [{r.id}]({r.id}.md) | {r.kind.value} | {r.severity.value} | {title} |")
    return "\n".join(lines) + "\n"


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> int:
    """Print a rule's documentation page."""
    from wabaguard.registry import get_rule
    from wabaguard.rule_docs import read_rule_doc

    rule = get_rule(rule_id)
    if rule is None:
        raise _fail(f"unknown rule {rule_id!r} (see `wabaguard rules`)")
    text = read_rule_doc(rule.id)
    if text is None:
        text = (
            f"# {rule.id}: {rule.title}\n\nSeverity: {rule.severity.value}\n\n{rule.fix}.\n\n"
            f"{rule.help_uri}\n"
        )
    click.echo(text, nl=not text.endswith("\n"))
    return EXIT_CLEAN


@cli.command()
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True
)
def demo(fmt: str) -> int:
    """Scan a generated sample WhatsApp integration (fake credentials) to see wabaguard work."""
    import tempfile

    from wabaguard.config import Config
    from wabaguard.demo import write_sample
    from wabaguard.scan import run_scan

    with tempfile.TemporaryDirectory(prefix="wabaguard-demo-") as tmp:
        write_sample(Path(tmp))
        click.echo(f"wabaguard demo: scanning a generated sample project in {tmp}\n", err=True)
        result = run_scan(["."], Config(), cwd=tmp)
        rc = _finish(result, Config(), fmt, None, [])
    return rc


@cli.command("plugin-path")
def plugin_path() -> int:
    """Print the path of wabaguard's detect-secrets plugin file (for `detect-secrets -p`)."""
    try:
        from wabaguard import detect_secrets_plugins as module
    except ImportError:
        raise _fail("the detect-secrets plugin module is not available") from None
    click.echo(module.__file__)
    return EXIT_CLEAN


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
