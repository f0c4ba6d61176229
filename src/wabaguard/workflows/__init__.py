"""GitHub Actions workflow analysis: secrets on command lines, in logs, over-exposed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wabaguard.core.findings import Rule

if TYPE_CHECKING:
    from wabaguard.core.config import Config

_WORKFLOW_PATH = re.compile(r"(?:^|/)\.github/workflows/[^/]+\.ya?ml$|(?:^|/)action\.ya?ml$")


def is_workflow_path(path: str) -> bool:
    """``.github/workflows/*.y*ml`` and composite ``action.y*ml`` files (POSIX path)."""
    return _WORKFLOW_PATH.search(path) is not None


@dataclass(frozen=True)
class WorkflowFinding:
    rule: Rule
    line: int  # 1-based, in the file
    column: int  # 1-based
    end_line: int
    end_column: int  # exclusive
    detail: str  # what is wrong here, never the secret value
    route: tuple[str | int, ...]  # YAML route, for a fingerprint that survives line moves
    notes: tuple[str, ...] = ()  # e.g. where the file an upload includes was written
    properties: Mapping[str, Any] = field(default_factory=dict)  # JSON facts, never a secret


class WorkflowError(Exception):
    """The file is not a workflow we can analyse (malformed YAML, hostile structure...)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def all_rules() -> tuple[Rule, ...]:
    from wabaguard.workflows.rules import MODULES

    return tuple(module.RULE for module in MODULES)


def analyze(path: str, text: str, config: Config) -> Iterator[WorkflowFinding]:
    """Analyse one workflow or action file. Raises ``WorkflowError`` on unusable input.

    Parsing and analysis happen before this returns, so a broken file raises here rather
    than halfway through iterating its findings.
    """
    from wabaguard.workflows.analysis import Analysis
    from wabaguard.workflows.model import ModelError, load
    from wabaguard.workflows.rules import MODULES

    try:
        workflow = load(text, path)
        analysis = Analysis(workflow)
    except ModelError as exc:
        line, column = _line_col(text, exc.offset)
        raise WorkflowError(exc.message, line, column) from None
    except RecursionError:
        raise WorkflowError("workflow or script nested too deeply to analyse") from None
    findings: dict[tuple[str, int, int, int, int], WorkflowFinding] = {}
    for module in MODULES:
        rule: Rule = module.RULE
        # A rule that points at literal secrets runs even when disabled: what it finds is
        # masked in the file's other snippets (the finding constructor drops its findings).
        if rule.id in config.disable and not rule.reports_secret:
            continue
        try:
            hits = list(module.check(analysis, config))
        except RecursionError:
            raise WorkflowError("workflow or script nested too deeply to analyse") from None
        for hit in hits:
            # An anchored node reached through several aliases is reported once, at its source.
            key = (rule.id, hit.line, hit.column, hit.end_line, hit.end_column)
            if key not in findings:
                findings[key] = WorkflowFinding(
                    rule,
                    hit.line,
                    hit.column,
                    hit.end_line,
                    hit.end_column,
                    hit.detail,
                    hit.route,
                    hit.notes,
                    hit.properties,
                )
    ordered = sorted(findings.values(), key=lambda f: (f.line, f.column, f.rule.id))
    return iter(ordered)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(text)))
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
