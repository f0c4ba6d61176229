"""Human output: ``path:line:col: severity rule [confidence] message``, grouped by file."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from wabaguard.reporters._printable import printable

if TYPE_CHECKING:
    from wabaguard.core.findings import ScanResult

_COLORS = {"critical": "\033[1;35m", "high": "\033[1;31m", "medium": "\033[33m", "low": "\033[36m"}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"


def render_text(result: ScanResult, *, color: bool = False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    out: list[str] = []
    for path, group in groupby(result.findings, key=lambda f: f.path):
        shown = printable(path)
        if path:
            out.append(paint(_BOLD, shown))
        for f in group:
            sev = paint(_COLORS[f.severity.value], f.severity.value)
            rule = f.rule + (f" (+{','.join(r.rule for r in f.related)})" if f.related else "")
            where = printable(f.logical_location) if not path else f"{shown}:{f.line}:{f.column}"
            sure = f"[{f.confidence.value} confidence]"
            out.append(f"{where}: {sev} {rule} {sure} {printable(f.message)}")
            if f.snippet.strip():
                out.append(paint(_DIM, f"    {printable(f.snippet.strip())}"))
            out.extend(f"    {printable(note)}" for note in f.notes)
        out.append("")
    for error in result.errors:
        out.append(f"{printable(error.path)}: {error.level}: {printable(error.message)}")
    for skip in result.skipped:
        if skip.unreadable:
            out.append(f"{printable(skip.relpath)}: skipped: {printable(skip.reason)}")
    summary = summary_line(result)
    out.append(paint(_BOLD, summary) if result.findings else summary)
    return "\n".join(out) + "\n"


def count(n: int, noun: str) -> str:
    """``1 file``, ``2 files``: every count in human output goes through here."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def summary_line(result: ScanResult) -> str:
    """The one-line summary: the text report's last line, and stderr's when -o is a file."""
    counts: dict[str, int] = {}
    for f in result.findings:
        counts[f.severity.value] = counts.get(f.severity.value, 0) + 1
    by_sev = ", ".join(
        f"{counts[s]} {s}" for s in ("critical", "high", "medium", "low") if s in counts
    )
    errors = sum(1 for e in result.errors if e.level == "error")
    warnings = len(result.errors) - errors
    problems = [f"{result.files_skipped} skipped", count(errors, "error")]
    if warnings:
        problems.append(count(warnings, "warning"))
    if result.suppressed:
        problems.append(f"{result.suppressed} suppressed")
    return (
        f"{count(len(result.findings), 'finding')}{f' ({by_sev})' if by_sev else ''} "
        f"in {count(result.files_scanned, 'file')} ({', '.join(problems)}) "
        f"in {result.duration_s:.2f}s"
    )
