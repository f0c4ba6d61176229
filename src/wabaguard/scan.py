"""A scan: discover files, read each one safely, run the engine and workflow analysis."""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from wabaguard import baseline_sniff, redact
from wabaguard.builder import Draft, FileFindings
from wabaguard.config import Config
from wabaguard.discovery import Candidate, Skipped, discover
from wabaguard.engine import Engine
from wabaguard.findings import Finding, ScanError

if TYPE_CHECKING:
    from wabaguard.workflows import WorkflowFinding

SNIFF_BYTES = 8192
WHOLE_FILE_LIMIT = 8 * 1024 * 1024  # above this, stream line by line
PARALLEL_MIN_FILES = 64
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
# Wherever it is and whatever it is called: its hashes are no content (the hook passes it).
_BASELINE_SKIP = "detect-secrets baseline, not scanned as content"


@dataclass
class FileResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    scanned: int = 0
    bytes: int = 0
    suppressed: int = 0


@dataclass
class ScanResult:
    findings: list[Finding]
    errors: list[ScanError]
    skipped: list[Skipped]
    files_scanned: int
    bytes_scanned: int
    duration_s: float
    # Findings silenced by a suppression comment, an allowlist pragma or a baseline.
    suppressed: int = 0

    @property
    def files_skipped(self) -> int:
        return len(self.skipped)


class _Skip(Exception):
    """The file is not scanned, for a reason that is not an error (not a regular file...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when ``head`` looks like mostly-ASCII UTF-16, else None."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even_nuls = head[0 : 2 * pairs : 2].count(0)
    odd_nuls = head[1 : 2 * pairs : 2].count(0)
    if odd_nuls >= 0.9 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.9 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _decode_lines(data: bytes, path: str, result: FileResult) -> list[str] | None:
    """Bytes to lines; None when the file is binary (and recorded as skipped)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text = data.decode("utf-32", "replace")
    elif data.startswith(codecs.BOM_UTF8):
        text = _decode_utf8(data[len(codecs.BOM_UTF8) :], path, result)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", "replace")
    elif b"\0" in data[:SNIFF_BYTES]:
        encoding = _utf16_without_bom(data[:SNIFF_BYTES])
        if encoding is None:
            result.skipped.append(Skipped(path, "binary file"))
            return None
        text = data.decode(encoding, "replace")
    else:
        text = _decode_utf8(data, path, result)
    lines = text.split("\n")
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _decode_utf8(data: bytes, path: str, result: FileResult) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Scan it anyway (credentials are ASCII); say so, so nothing is silently lost.
        result.errors.append(
            ScanError(
                path,
                f"invalid UTF-8 at byte {exc.start}; scanned with undecodable bytes replaced",
                level="warning",
            )
        )
        return data.decode("utf-8", "replace")


def _stream_lines(fh: BinaryIO, path: str, result: FileResult, limit: int) -> Iterator[str]:
    bad = False
    total = 0
    for raw in fh:
        total += len(raw)
        if total > limit:
            result.errors.append(
                ScanError(
                    path,
                    f"grew past the {limit}-byte limit while being read; the rest was not scanned",
                )
            )
            return
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", "replace")
            if not bad:
                bad = True
                result.errors.append(
                    ScanError(
                        path,
                        "invalid UTF-8; scanned with undecodable bytes replaced",
                        level="warning",
                    )
                )
        yield line.rstrip("\r\n")


def _open_regular(candidate: Candidate) -> tuple[BinaryIO, os.stat_result]:
    """Open a candidate for reading, re-checking what discovery checked (it may have changed).

    Never blocks: a file replaced by a FIFO since discovery is opened non-blocking and then
    refused. Never leaves the tree: a path that now resolves outside it is refused.
    """
    if candidate.root is not None:
        real = os.path.realpath(candidate.abspath)
        if not (real == candidate.root or real.startswith(candidate.root.rstrip(os.sep) + os.sep)):
            raise _Skip("resolves outside the scanned tree (changed during the scan)")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(candidate.abspath, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Skip("not a regular file")
        return os.fdopen(fd, "rb"), st
    except BaseException:
        os.close(fd)
        raise


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


def scan_file(engine: Engine, candidate: Candidate, config: Config) -> FileResult:
    """Scan one file. Never raises: problems become ``errors`` or ``skipped`` entries.

    Whatever was found before a problem is kept: the findings are made at the end, from
    everything the passes reported until then.
    """
    from wabaguard.registry import rule_ids

    result = FileResult()
    path = candidate.relpath
    sink = FileFindings(path, config, rule_ids)
    try:
        lines = _read_and_scan(engine, candidate, config, result, sink)
    except _Skip as skip:
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
            _workflow_pass(engine, path, lines, sink, result)
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
    """Credential pass; returns the lines when the workflow pass should run on them."""
    from wabaguard import webhooks, workflows

    path = candidate.relpath
    fh, st = _open_regular(candidate)
    with fh:
        if st.st_size > config.max_file_size:
            raise _Skip(f"larger than the {config.max_file_size}-byte limit (--max-file-size)")
        is_workflow = workflows.is_workflow_path(path)
        wants_webhooks = False  # a source file that may hold a webhook handler
        if st.st_size <= WHOLE_FILE_LIMIT or is_workflow:
            data = fh.read(config.max_file_size + 1)  # the file may have grown since fstat
            if len(data) > config.max_file_size:
                raise _Skip(f"larger than the {config.max_file_size}-byte limit (--max-file-size)")
            if baseline_sniff.is_detect_secrets_baseline(data):
                raise _Skip(_BASELINE_SKIP)
            lines = _decode_lines(data, path, result)
            if lines is None:
                return None
            wants_webhooks = not is_workflow and webhooks.might_hold_handler(path, data)
            source: Iterable[str] = lines
        else:
            head = fh.read(SNIFF_BYTES)
            if b"\0" in head:
                raise _Skip("binary file")
            if baseline_sniff.might_be_baseline(head) and baseline_sniff.is_detect_secrets_baseline(
                head + fh.read(config.max_file_size)
            ):
                raise _Skip(_BASELINE_SKIP)
            fh.seek(0)
            lines = None
            source = _stream_lines(fh, path, result, config.max_file_size)
        engine.scan_lines(path, source, sink)
    result.scanned = 1
    result.bytes = st.st_size
    return lines if is_workflow or wants_webhooks else None


def _workflow_pass(
    engine: Engine, path: str, lines: list[str], sink: FileFindings, result: FileResult
) -> None:
    from wabaguard import workflows

    if not workflows.is_workflow_path(path):
        _webhook_pass(engine, path, lines, sink, result)
        return
    text = "\n".join(lines) + "\n"
    try:
        produced = list(workflows.analyze(path, text, engine.config))
    except workflows.WorkflowError as exc:
        where = f" at line {exc.line}, column {exc.column}" if exc.line else ""
        message = safe_message(str(exc.message), sink.masker)
        result.errors.append(ScanError(path, f"cannot analyse workflow{where}: {message}"))
        return
    for wf in produced:
        if wf.rule.reports_secret:
            _add_reported_literal(wf, lines, sink)
    # Identity is the YAML route (plus the n-th finding of this rule there), not the line.
    for wf in produced:
        source = lines[wf.line - 1] if 0 < wf.line <= len(lines) else ""
        route = "/".join(str(part) for part in wf.route)
        sink.add(
            Draft(
                wf.rule,
                wf.line,
                wf.column,
                wf.end_line,
                wf.end_column,
                detail=wf.detail,
                identity=route,
            ),
            source,
        )


def _webhook_pass(
    engine: Engine, path: str, lines: list[str], sink: FileFindings, result: FileResult
) -> None:
    """Webhook handlers in a source file that passed the byte prefilter."""
    from wabaguard import webhooks

    text = "\n".join(lines) + "\n"
    try:
        produced = list(webhooks.analyze(path, text, engine.config))
    except webhooks.WebhookError as exc:
        message = safe_message(exc.message, sink.masker)
        if exc.level == "warning":
            result.errors.append(ScanError(path, message, level="warning"))
        else:
            result.errors.append(ScanError(path, message))
        return
    except RecursionError:
        result.errors.append(ScanError(path, "source nested too deeply to analyse its handlers"))
        return
    except Exception as exc:
        result.errors.append(_internal_error(path, "the webhook analysis", exc))
        return
    for wh in produced:
        source = lines[wh.line - 1] if 0 < wh.line <= len(lines) else ""
        sink.add(
            Draft(
                wh.rule,
                wh.line,
                wh.column,
                wh.end_line,
                wh.end_column,
                detail=wh.detail,
                identity=wh.identity,
                confidence=wh.confidence,
                properties=wh.properties,
                notes=wh.notes,
            ),
            source,
        )


def _add_reported_literal(wf: WorkflowFinding, lines: list[str], sink: FileFindings) -> None:
    """A finding that points at a literal secret: each line's part of it is masked by value."""
    for lineno in range(max(wf.line, 1), min(wf.end_line, len(lines)) + 1):
        text = lines[lineno - 1]
        start = wf.column - 1 if lineno == wf.line else 0
        end = wf.end_column - 1 if lineno == wf.end_line else len(text)
        if start < end:
            sink.add_secret(text[start:end])


# -- orchestration ----------------------------------------------------------------------------

_WORKER: tuple[Engine, Config] | None = None


def _init_worker(config: Config) -> None:
    global _WORKER
    from wabaguard.detectors import all_detectors

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
) -> ScanResult:
    from wabaguard.detectors import all_detectors

    started = time.perf_counter()
    cwd = cwd or os.getcwd()
    based = [(config.base_dir or cwd, config.exclude)]  # a config's patterns: from its directory
    candidates, skipped = discover(paths, extra_excludes, cwd, based)
    findings: list[Finding] = []
    errors: list[ScanError] = []
    scanned = 0
    total_bytes = 0
    suppressed = 0
    workers = _choose_jobs(jobs, candidates)

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
            collect(scan_file(engine, candidate, config))
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
