"""A secret-bearing value printed to the build log."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import is_direct, rule, scripts, what

RULE = rule(
    "secret-printed",
    "Secret printed to the build log",
    Severity.MEDIUM,
    Confidence.HIGH,
    'Print a presence check instead (`[ -n "$TOKEN" ]`, `${#TOKEN}`), never the value',
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for out in script.outputs:
            if out.sink != "log" or not is_direct(out.taint):
                continue
            yield analysis.finding(
                RULE,
                facts.run_node,
                out.start,
                out.end,
                f"`{out.command}` writes {what(out.taint)} to the build log, where masking "
                "only catches exact matches",
                route,
            )
