"""A secret-bearing environment variable expanded on an external command's argv."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule, scripts, what

RULE = rule(
    "secret-env-in-argv",
    "Secret-bearing variable expanded on a command line",
    Severity.MEDIUM,
    Confidence.MEDIUM,
    "Let the program read the variable from its environment, a file or stdin instead of "
    "passing its value as an argument",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for use in script.argv:
            if use.category != "plain" or use.taint.inline or use.taint.dump:
                continue
            if use.taint.minted:
                continue
            yield analysis.finding(
                RULE,
                facts.run_node,
                use.start,
                use.end,
                f"a variable carrying {what(use.taint)} is expanded into the arguments of "
                f"`{use.command}`, visible to other processes (`ps`)",
                route,
            )
