"""A workflow file's findings, handed to the file's finding constructor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wabaguard import workflows
from wabaguard.core.builder import Draft, FileFindings

if TYPE_CHECKING:
    from wabaguard.core.config import Config
    from wabaguard.workflows import WorkflowFinding


def add_findings(path: str, lines: list[str], config: Config, sink: FileFindings) -> None:
    """Analyse one workflow file (its lines) into ``sink``. Raises ``WorkflowError`` on
    unusable input, before anything is added."""
    text = "\n".join(lines) + "\n"
    produced = list(workflows.analyze(path, text, config))
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
                notes=wf.notes,
                properties=wf.properties,
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
