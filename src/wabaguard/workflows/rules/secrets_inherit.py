"""``secrets: inherit`` on a reusable-workflow call."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule

RULE = rule(
    "secrets-inherit",
    "All secrets passed to a reusable workflow",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Pass only the secrets the called workflow declares (`secrets: {name: ${{ secrets.X }}}`);"
    " environment secrets currently need `inherit`, suppress this line if that is why",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for job in analysis.wf.jobs:
        node = job.node.get("secrets")
        if job.uses is None or node is None or not node.is_scalar:
            continue
        if node.value.strip().lower() != "inherit":
            continue
        yield analysis.finding_at(
            RULE,
            node,
            f"job `{job.id}` hands every secret of this repository to `{job.uses}`",
            (*job.route, "secrets"),
        )
