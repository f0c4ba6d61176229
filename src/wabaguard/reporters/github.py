"""GitHub Actions workflow commands: annotations on the pull request's diff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wabaguard.reporters._printable import printable

if TYPE_CHECKING:
    from wabaguard.core.findings import ScanResult

_COMMAND = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}


def escape_data(value: str) -> str:
    # The runner's own escapes first; any other control character is then shown, not sent.
    return printable(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(result: ScanResult) -> str:
    lines = []
    for f in result.findings:
        rated = f"{f.severity.value}; {f.confidence.value} confidence"
        title = f"title={escape_property(f'wabaguard {f.rule} ({rated})')}"
        if f.path:
            props = ",".join(
                [
                    f"file={escape_property(f.path)}",
                    f"line={f.line}",
                    f"endLine={f.end_line}",
                    f"col={f.column}",
                    f"endColumn={f.end_column}",
                    title,
                ]
            )
            message = " ".join((f.message, *f.notes))
        else:  # not a place in a file: an annotation of the run, naming what it is about
            props = title
            message = " ".join((f"{f.logical_location}:", f.message, *f.notes))
        lines.append(f"::{_COMMAND[f.severity.value]} {props}::{escape_data(message)}")
    for e in result.errors:
        title = "wabaguard could not analyse this file" if e.level == "error" else "wabaguard"
        lines.append(
            f"::{e.level} file={escape_property(e.path)},"
            f"title={escape_property(title)}::{escape_data(e.message)}"
        )
    for s in result.skipped:
        if s.unreadable:
            lines.append(
                f"::notice file={escape_property(s.relpath)},"
                f"title=wabaguard skipped this file::{escape_data(s.reason)}"
            )
    return "\n".join(lines) + ("\n" if lines else "")
