"""GitHub Actions workflow analysis: secrets on command lines, in logs, over-exposed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wabaguard.findings import Rule

if TYPE_CHECKING:
    from wabaguard.config import Config

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


class WorkflowError(Exception):
    """The file is not a workflow we can analyse (malformed YAML, hostile structure...)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def all_rules() -> tuple[Rule, ...]:
    return ()


def analyze(path: str, text: str, config: Config) -> Iterator[WorkflowFinding]:
    """Analyse one workflow or action file. Raises ``WorkflowError`` on unusable input."""
    return iter(())
