"""A secret-bearing value written to ``$GITHUB_STEP_SUMMARY``."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import is_direct, rule, scripts, what

RULE = rule(
    "secret-in-step-summary",
    "Secret written to the job summary",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Write only non-secret facts (commit, environment, status) to `$GITHUB_STEP_SUMMARY`",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for out in script.outputs:
            if out.sink != "summary" or not is_direct(out.taint):
                continue
            yield analysis.finding(
                RULE,
                facts.run_node,
                out.start,
                out.end,
                f"{what(out.taint)} is written to the job summary, which is rendered on the "
                "run page and removed only with the whole run",
                route,
            )
