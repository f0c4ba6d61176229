"""A transformed secret (base64, jq, cut, rev, substrings…) reaching the log or summary."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import is_derived, rule, scripts, what

RULE = rule(
    "transformed-secret-printed",
    "Transformed secret printed where masking cannot recognise it",
    Severity.HIGH,
    Confidence.MEDIUM,
    'Register the derived value with `echo "::add-mask::$VALUE"` before any output, or '
    "write it to a file under `$RUNNER_TEMP` instead of printing it",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for out in script.outputs:
            if out.sink not in ("log", "summary") or not is_derived(out.taint):
                continue
            where = "build log" if out.sink == "log" else "job summary"
            yield analysis.finding(
                RULE,
                facts.run_node,
                out.start,
                out.end,
                f"a transformed form of {what(out.taint)} reaches the {where} through "
                f"`{out.command}`; the runner masks only exact values",
                route,
            )
