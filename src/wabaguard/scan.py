"""A scan: discover files, read each one safely, run the engine and workflow analysis."""

from __future__ import annotations

import codecs
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from wabaguard import redact
from wabaguard.config import Config
from wabaguard.discovery import Candidate, Skipped, discover
from wabaguard.engine import Engine, FileState, is_ignored
from wabaguard.findings import Finding, Kind, ScanError, fingerprint

SNIFF_BYTES = 8192
WHOLE_FILE_LIMIT = 8 * 1024 * 1024  # above this, stream line by line
PARALLEL_MIN_FILES = 64
PARALLEL_MIN_BYTES = 4 * 1024 * 1024


@dataclass
class FileResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    scanned: int = 0
    bytes: int = 0


@dataclass
class ScanResult:
    findings: list[Finding]
    errors: list[ScanError]
    skipped: list[Skipped]
    files_scanned: int
    bytes_scanned: int
    duration_s: float

    @property
    def files_skipped(self) -> int:
        return len(self.skipped)


class _Unreadable(Exception):
    pass


def _decode_lines(data: bytes, path: str, result: FileResult) -> list[str] | None:
    """Bytes to lines; None when the file is binary (and recorded as skipped)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        text = data.decode("utf-8", "replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", "replace")
    elif b"\0" in data[:SNIFF_BYTES]:
        result.skipped.append(Skipped(path, "binary file"))
        return None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Scan it anyway (credentials are ASCII); say so, so nothing is silently lost.
            result.errors.append(
                ScanError(
                    path,
                    f"invalid UTF-8 at byte {exc.start}; scanned with undecodable bytes replaced",
                )
            )
            text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _stream_lines(fh: object, path: str, result: FileResult) -> Iterator[str]:
    bad = False
    for raw in fh:  # type: ignore[attr-defined]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", "replace")
            if not bad:
                bad = True
                result.errors.append(
                    ScanError(path, "invalid UTF-8; scanned with undecodable bytes replaced")
                )
        yield line.rstrip("\r\n")


def scan_file(engine: Engine, candidate: Candidate, config: Config) -> FileResult:
    from wabaguard import workflows

    result = FileResult()
    path = candidate.relpath
    state = FileState()
    try:
        st = os.stat(candidate.abspath)
        if not stat.S_ISREG(st.st_mode):
            result.skipped.append(Skipped(path, "not a regular file"))
            return result
        if st.st_size > config.max_file_size:
            result.skipped.append(
                Skipped(
                    path, f"larger than the {config.max_file_size}-byte limit (--max-file-size)"
                )
            )
            return result
        is_workflow = workflows.is_workflow_path(path)
        with open(candidate.abspath, "rb") as fh:
            if st.st_size <= WHOLE_FILE_LIMIT or is_workflow:
                lines = _decode_lines(fh.read(), path, result)
                if lines is None:
                    return result
                result.findings.extend(engine.scan_lines(path, lines, state))
            else:
                head = fh.read(SNIFF_BYTES)
                if b"\0" in head:
                    result.skipped.append(Skipped(path, "binary file"))
                    return result
                fh.seek(0)
                lines = []
                result.findings.extend(
                    engine.scan_lines(path, _stream_lines(fh, path, result), state)
                )
        result.scanned = 1
        result.bytes = st.st_size
        if is_workflow:
            result.findings.extend(_workflow_findings(engine, path, lines, state, result))
    except OSError as exc:
        result.errors.append(ScanError(path, f"cannot read: {exc.strerror or type(exc).__name__}"))
    except RecursionError:
        result.errors.append(ScanError(path, "input nested too deeply to analyse"))
    except Exception as exc:  # an internal error must not lose the rest of the scan
        message = redact.redact_secrets(str(exc), state.secrets)[:200]
        result.errors.append(
            ScanError(path, f"internal error ({type(exc).__name__}: {message}); please report it")
        )
    return result


def _workflow_findings(
    engine: Engine, path: str, lines: list[str], state: FileState, result: FileResult
) -> Iterator[Finding]:
    from wabaguard import workflows

    text = "\n".join(lines) + "\n"
    try:
        produced = list(workflows.analyze(path, text, engine.config))
    except workflows.WorkflowError as exc:
        where = f" at line {exc.line}, column {exc.column}" if exc.line else ""
        message = redact.redact_secrets(exc.message, state.secrets)
        result.errors.append(ScanError(path, f"cannot analyse workflow{where}: {message}"))
        return
    occurrences: dict[tuple[str, str], int] = {}
    for wf in produced:
        rule = wf.rule
        if rule.id in engine.config.disable:
            continue
        source = lines[wf.line - 1] if 0 < wf.line <= len(lines) else ""
        if is_ignored(source, rule.id):
            continue
        detail = redact.redact_secrets(wf.detail, state.secrets)
        # Identity is the YAML route (plus the n-th finding of this rule there), not the line.
        route = "/".join(str(part) for part in wf.route)
        nth = occurrences.get((rule.id, route), 0)
        occurrences[(rule.id, route)] = nth + 1
        yield Finding(
            rule=rule.id,
            title=rule.title,
            severity=engine.severity_of(rule),
            confidence=rule.confidence,
            path=path,
            line=wf.line,
            column=wf.column,
            end_line=wf.end_line,
            end_column=wf.end_column,
            message=f"{detail or rule.title}. {rule.fix}",
            snippet=redact.redact_line(source, state.spans.get(wf.line, ())),
            fingerprint=fingerprint(rule.id, path, f"{route}#{nth}"),
            help_uri=rule.help_uri,
            kind=Kind.WORKFLOW,
        )


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
    candidates, skipped = discover(paths, [*config.exclude, *extra_excludes], cwd)
    findings: list[Finding] = []
    errors: list[ScanError] = []
    scanned = 0
    total_bytes = 0
    workers = _choose_jobs(jobs, candidates)
    results: Iterator[FileResult]
    if workers > 1:
        import multiprocessing

        ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        pool = ctx.Pool(workers, initializer=_init_worker, initargs=(config,))
        results = pool.imap(_work, candidates, chunksize=16)
    else:
        pool = None
        engine = Engine(config, all_detectors())
        results = (scan_file(engine, c, config) for c in candidates)
    try:
        for done, file_result in enumerate(results, start=1):
            findings.extend(file_result.findings)
            errors.extend(file_result.errors)
            skipped.extend(file_result.skipped)
            scanned += file_result.scanned
            total_bytes += file_result.bytes
            if progress is not None:
                progress(done, len(candidates))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    findings.sort(key=Finding.sort_key)
    return ScanResult(
        findings, errors, skipped, scanned, total_bytes, time.perf_counter() - started
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
