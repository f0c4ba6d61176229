"""``ACTIONS_STEP_DEBUG`` / ``ACTIONS_RUNNER_DEBUG`` switched on in the workflow file."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.model import EnvEntry
from wabaguard.workflows.rules._common import rule

RULE = rule(
    "runner-debug-enabled",
    "Runner debug logging enabled in the workflow",
    Severity.LOW,
    Confidence.HIGH,
    'Remove it; use "Re-run with debug logging" for the one run that needs it',
)

_DEBUG = frozenset({"ACTIONS_STEP_DEBUG", "ACTIONS_RUNNER_DEBUG"})


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    wf = analysis.wf
    entries: list[EnvEntry] = list(wf.env)
    for job in wf.jobs:
        entries.extend(job.env)
        for step in job.steps:
            entries.extend(step.env)
    seen: set[int] = set()
    for entry in entries:
        if entry.name.upper() not in _DEBUG or id(entry.key) in seen:
            continue
        seen.add(id(entry.key))
        if entry.value.value.strip().lower() != "true":
            continue
        yield analysis.finding_at(
            RULE,
            entry.key,
            f"`{entry.name}: true` turns on debug output for every run (the secret/variable "
            "and re-run forms are not visible in YAML)",
            entry.route,
        )
