"""A scan: discover files, read each one safely, run the engine and workflow analysis."""

from __future__ import annotations

import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from wabaguard.cli._common import (
    CONFIDENCES,
    REPORT_OPTIONS,
    config_for,
    config_option,
    empty_result,
    entropy_option,
    exclude_option,
    fail,
    finish,
    no_progress_option,
    parse_reports,
    verify_options,
    with_options,
)
from wabaguard.core import redact
from wabaguard.core.builder import FileFindings, RawCredentials
from wabaguard.core.config import Config
from wabaguard.core.findings import Finding, ScanError, ScanResult, Skipped
from wabaguard.credentials.engine import Engine
from wabaguard.sources.discovery import Candidate, discover
from wabaguard.sources.files import Skip, open_lines

PARALLEL_MIN_FILES = 64
PARALLEL_MIN_BYTES = 4 * 1024 * 1024


@dataclass
class FileResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    scanned: int = 0
    bytes: int = 0
    suppressed: int = 0


# A long token-like run in an error message is masked even when no detector reported it:
# a parser's message may quote the input it choked on.
_TOKEN_RUN = re.compile(r"(?<![A-Za-z0-9+/=_.-])[A-Za-z0-9+/=_.-]{20,}")
MAX_MESSAGE = 300


def safe_message(text: str, secrets: redact.Masker) -> str:
    """An error message fit to print: known secrets and token-like runs masked, length capped."""
    text = secrets.scrub(text)

    def mask(match: re.Match[str]) -> str:
        value = match.group()
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return redact.mask(value)
        return value

    text = _TOKEN_RUN.sub(mask, text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"


def _debug() -> bool:
    return bool(os.environ.get("WABAGUARD_DEBUG"))


def _internal_error(path: str, where: str, exc: BaseException) -> ScanError:
    # Never the exception's text: it may quote the line being scanned.
    if _debug():  # for developers only: a traceback may quote scanned content
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    return ScanError(
        path,
        f"internal error in {where} ({type(exc).__name__}); the rest of this file was not "
        "analysed; please report it (WABAGUARD_DEBUG=1 shows the traceback)",
    )


def scan_file(
    engine: Engine, candidate: Candidate, config: Config, raw: RawCredentials | None = None
) -> FileResult:
    """Scan one file. Never raises: problems become ``errors`` or ``skipped`` entries.

    Whatever was found before a problem is kept: the findings are made at the end, from
    everything the passes reported until then. ``raw`` collects the raw values of the
    credentials reported (only for live verification).
    """
    from wabaguard.core.registry import rule_ids

    result = FileResult()
    path = candidate.relpath
    sink = FileFindings(path, config, rule_ids, raw=raw)
    try:
        lines = _read_and_scan(engine, candidate, config, result, sink)
    except Skip as skip:
        result.skipped.append(Skipped(path, skip.reason))
        return result
    except FileNotFoundError:
        result.skipped.append(
            Skipped(path, "no such file (deleted since it was listed)", unreadable=True)
        )
        return result
    except OSError as exc:
        reason = f"cannot read: {exc.strerror or type(exc).__name__}"
        result.skipped.append(Skipped(path, reason, unreadable=True))
        lines = None
    except RecursionError:
        result.errors.append(ScanError(path, "input nested too deeply to analyse"))
        lines = None
    except MemoryError:
        result.errors.append(ScanError(path, "out of memory while scanning this file"))
        lines = None
    except Exception as exc:  # an internal error must not lose the rest of the scan
        result.errors.append(_internal_error(path, "the credential scan", exc))
        lines = None
    if lines is not None:
        try:
            _workflow_pass(engine, candidate, lines, sink, result)
        except RecursionError:
            result.errors.append(ScanError(path, "workflow nested too deeply to analyse"))
        except MemoryError:
            result.errors.append(ScanError(path, "out of memory while analysing this workflow"))
        except Exception as exc:
            result.errors.append(_internal_error(path, "the workflow analysis", exc))
    try:
        findings, result.suppressed = sink.finish()
    except Exception as exc:
        result.errors.append(_internal_error(path, "making the findings", exc))
        return result
    result.findings.extend(findings)
    return result


def _read_and_scan(
    engine: Engine, candidate: Candidate, config: Config, result: FileResult, sink: FileFindings
) -> list[str] | None:
    """Credential pass; returns the lines when the workflow or webhook pass should run."""
    from wabaguard import workflows

    path = candidate.relpath
    is_workflow = workflows.is_workflow_path(path)
    with open_lines(candidate, config.max_file_size, result.errors, whole=is_workflow) as text:
        engine.scan_lines(path, text.lines, sink)
    result.scanned = 1
    result.bytes = text.size
    if is_workflow:
        return text.whole
    # A source file that may hold a webhook handler (a byte prefilter: no parser loads).
    from wabaguard import webhooks

    if text.data is not None and webhooks.might_hold_handler(path, text.data):
        return text.whole
    return None


def _workflow_pass(
    engine: Engine, candidate: Candidate, lines: list[str], sink: FileFindings, result: FileResult
) -> None:
    from wabaguard import workflows
    from wabaguard.workflows.report import add_findings

    path = candidate.relpath
    if not workflows.is_workflow_path(path):
        _webhook_pass(engine, candidate, lines, sink, result)
        return
    try:
        add_findings(path, lines, engine.config, sink)
    except workflows.WorkflowError as exc:
        where = f" at line {exc.line}, column {exc.column}" if exc.line else ""
        message = safe_message(str(exc.message), sink.masker)
        result.errors.append(ScanError(path, f"cannot analyse workflow{where}: {message}"))


def _webhook_pass(
    engine: Engine, candidate: Candidate, lines: list[str], sink: FileFindings, result: FileResult
) -> None:
    """Webhook handlers in a source file that passed the byte prefilter."""
    from wabaguard import webhooks
    from wabaguard.webhooks.emit import add_findings

    path = candidate.relpath
    try:
        add_findings(
            path, lines, engine.config, sink, abspath=candidate.abspath, root=candidate.root
        )
    except webhooks.WebhookError as exc:
        message = safe_message(exc.message, sink.masker)
        if exc.level == "warning":
            result.errors.append(ScanError(path, message, level="warning"))
        else:
            result.errors.append(ScanError(path, message))
    except RecursionError:
        result.errors.append(ScanError(path, "source nested too deeply to analyse its handlers"))
    except Exception as exc:
        result.errors.append(_internal_error(path, "the webhook analysis", exc))


# -- orchestration ----------------------------------------------------------------------------

_WORKER: tuple[Engine, Config] | None = None


def _init_worker(config: Config) -> None:
    global _WORKER
    from wabaguard.credentials.detectors import all_detectors

    _WORKER = (Engine(config, all_detectors()), config)


def _work(candidate: Candidate) -> FileResult:
    assert _WORKER is not None
    engine, config = _WORKER
    return scan_file(engine, candidate, config)


def run_scan(
    paths: Sequence[str],
    config: Config,
    *,
    cwd: str | None = None,
    extra_excludes: Sequence[str] = (),
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    raw: RawCredentials | None = None,
) -> ScanResult:
    """Scan ``paths``. With ``raw`` (live verification only), the raw values of the
    credentials reported are collected into it, and the scan stays in this process so they
    never cross a process boundary."""
    from wabaguard.credentials.detectors import all_detectors

    started = time.perf_counter()
    cwd = cwd or os.getcwd()
    based = [(config.base_dir or cwd, config.exclude)]  # a config's patterns: from its directory
    candidates, skipped = discover(paths, extra_excludes, cwd, based)
    findings: list[Finding] = []
    errors: list[ScanError] = []
    scanned = 0
    total_bytes = 0
    suppressed = 0
    workers = 1 if raw is not None else _choose_jobs(jobs, candidates)

    def collect(file_result: FileResult) -> None:
        nonlocal scanned, total_bytes, suppressed
        suppressed += file_result.suppressed
        findings.extend(file_result.findings)
        errors.extend(file_result.errors)
        skipped.extend(file_result.skipped)
        scanned += file_result.scanned
        total_bytes += file_result.bytes

    done = 0
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        with ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=_init_worker, initargs=(config,)
        ) as pool:
            try:
                for file_result in pool.map(_work, candidates, chunksize=16):
                    collect(file_result)
                    done += 1
                    if progress is not None:
                        progress(done, len(candidates))
            except BrokenProcessPool:
                # A worker died (a crash in native code, the OOM killer): say which files
                # were not scanned instead of hanging or losing them.
                for candidate in candidates[done:]:
                    errors.append(
                        ScanError(
                            candidate.relpath,
                            "not scanned: a scan worker process died on this file or one "
                            "near it (re-run with --jobs 1 to find which)",
                        )
                    )
    else:
        engine = Engine(config, all_detectors())
        for candidate in candidates:
            collect(scan_file(engine, candidate, config, raw))
            done += 1
            if progress is not None:
                progress(done, len(candidates))
    findings.sort(key=Finding.sort_key)
    return ScanResult(
        findings,
        errors,
        skipped,
        scanned,
        total_bytes,
        time.perf_counter() - started,
        suppressed,
    )


def _choose_jobs(jobs: int | None, candidates: Sequence[Candidate]) -> int:
    if jobs is not None:
        return max(1, jobs)
    if len(candidates) < PARALLEL_MIN_FILES:
        return 1  # pre-commit already runs hooks in parallel; a handful of files is faster alone
    total = 0
    for c in candidates:
        try:
            total += os.path.getsize(c.abspath)
        except OSError:
            continue
        if total >= PARALLEL_MIN_BYTES:
            return min(2, os.cpu_count() or 1)
    return 1


# -- the command ------------------------------------------------------------------------------


def _read_files_from(source: str) -> list[str]:
    try:
        if source == "-":
            data = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as fh:
                data = fh.read()
    except OSError as exc:
        raise fail(f"--files-from {source}: {exc.strerror}") from None
    # Paths may begin or end with spaces: only line endings are removed.
    return [line.rstrip("\r") for line in data.split("\n") if line.strip()]


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


# The scan command's options, in --help order (applied by ``with_options``).
_SCAN_OPTIONS: tuple[Callable[[Any], Any], ...] = (
    *REPORT_OPTIONS,
    click.option(
        "--min-confidence",
        type=click.Choice(CONFIDENCES),
        default=None,
        help="Lowest confidence reported (default: medium, low with --entropy, or the config's).",
    ),
    click.option(
        "--baseline",
        type=click.Path(dir_okay=False),
        help="Baseline (`wabaguard baseline`): findings listed there are not reported.",
    ),
    config_option,
    exclude_option,
    entropy_option,
    click.option(
        "--max-file-size",
        type=click.IntRange(min=1),
        default=None,
        metavar="BYTES",
        help="Skip files larger than this (default 2 MiB).",
    ),
    click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help="Worker processes (default: 1 for a few files, 2 for large scans).",
    ),
    click.option(
        "--files-from",
        type=str,
        default=None,
        metavar="FILE",
        help="Read paths to scan from FILE, one per line ('-' for stdin).",
    ),
    click.option(
        "--fail-on-error/--no-fail-on-error",
        default=True,
        show_default=True,
        help="Exit 2 when a file could not be analysed (an invalid workflow, an internal error), "
        "unless a finding already fails the run (exit 1).",
    ),
    no_progress_option,
    *verify_options,
)


@click.command("scan")
@click.argument("paths", nargs=-1, type=click.Path())
@with_options(_SCAN_OPTIONS)
def scan(paths: tuple[str, ...], **o: Any) -> int:
    """Scan files and directories (default: the current directory)."""
    from wabaguard.core.findings import Confidence, Severity

    if o["only_active"] and not o["verify"]:
        raise fail("--only-active needs --verify (it filters on the live check's verdicts)")
    if o["verify_url_tokens"] and not o["verify"]:
        raise fail("--verify-url-tokens needs --verify (it widens what --verify sends)")
    cwd = os.getcwd()
    extra_reports = parse_reports(o["reports"])
    _check_destinations(o["output"], extra_reports, o["baseline"])
    _check_named_paths(paths, cwd)
    targets = list(paths)
    if o["files_from"] is not None:
        targets.extend(_read_files_from(o["files_from"]))
    config = config_for(o["config_path"], cwd, targets).with_overrides(
        fail_on=Severity.parse(o["fail_on"]) if o["fail_on"] else None,
        entropy=o["entropy"],
        max_file_size=o["max_file_size"],
        min_confidence=Confidence.parse(o["min_confidence"]) if o["min_confidence"] else None,
    )
    report = (config, o["fmt"], o["output"], extra_reports, o["fail_on_error"])
    if o["files_from"] is not None and not targets:
        return finish(empty_result(), *report)
    base, extra_excludes = _baseline(o["baseline"], list(o["excludes"]), cwd)
    raw = RawCredentials() if o["verify"] else None  # raw values: only for --verify, only here
    progress = _Progress(_progress_enabled(o["no_progress"]))
    try:
        result = run_scan(
            targets or ["."],
            config,
            cwd=cwd,
            extra_excludes=extra_excludes,
            jobs=o["jobs"],
            progress=progress,
            raw=raw,
        )
    finally:
        progress.close()
    if base is not None:
        kept = [f for f in result.findings if not base.suppresses(f)]
        result.suppressed += len(result.findings) - len(kept)
        result.findings = kept
    if raw is not None:
        _verify(
            result,
            raw,
            config,
            o["only_active"],
            o["verify_timeout"],
            url_tokens=o["verify_url_tokens"],
        )
    return finish(result, *report)


def _baseline(baseline: str | None, excludes: list[str], cwd: str) -> tuple[Any, list[str]]:
    """The --baseline file loaded (None without one), and the excludes with it added: a
    baseline is never scanned as content."""
    if not baseline:
        return None, excludes
    from wabaguard.core.config import ConfigError
    from wabaguard.credentials.baseline import load_baseline

    try:
        base = load_baseline(baseline)
    except ConfigError as exc:
        raise fail(str(exc)) from None
    return base, [*excludes, "/" + Path(os.path.relpath(baseline, cwd)).as_posix()]


def _verify(
    result: ScanResult,
    raw: RawCredentials,
    config: Config,
    only_active: bool,
    timeout: float,
    *,
    url_tokens: bool = False,
) -> None:
    """--verify: the verdicts onto the findings (the network only from here, only now)."""
    from wabaguard.core.config import ConfigError
    from wabaguard.online.verify import Settings
    from wabaguard.online.verify.annotate import summary_line, verify_scan

    def notice(text: str) -> None:
        click.echo(text, err=True)

    try:
        outcome = verify_scan(
            result,
            raw,
            config,
            Settings(env=dict(os.environ), timeout=timeout, url_tokens=url_tokens),
            notice=notice,
            only_active=only_active,
        )
    except ConfigError as exc:
        raise fail(str(exc)) from None
    click.echo(summary_line(outcome), err=True)


def _check_named_paths(paths: Sequence[str], cwd: str) -> None:
    """A PATH argument that does not exist or cannot be read is a usage error (exit 2)."""
    from wabaguard.sources.discovery import named_path_problem, printable

    problems = [
        f"{printable(path)}: {problem}"
        for path in paths
        if (problem := named_path_problem(path, cwd)) is not None
    ]
    if problems:
        raise fail("cannot scan " + "; ".join(problems))


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
            raise fail(f"{option} writes to {where}, as {seen[key]} does: give each its own file")
        seen[key] = option
    if baseline:
        key = _destination_key(baseline)
        if key in seen:
            raise fail(f"{seen[key]} would overwrite the --baseline file {baseline}")


def _destination_key(dest: str) -> str:
    if dest == "-":
        return "-"
    return os.path.normcase(os.path.realpath(dest))
