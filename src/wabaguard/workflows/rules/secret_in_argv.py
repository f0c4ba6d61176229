"""A ``${{ secret }}`` expanded into an external command's arguments."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule, scripts, what

RULE = rule(
    "secret-in-argv",
    "Secret expression expanded into a command's arguments",
    Severity.HIGH,
    Confidence.HIGH,
    "Pass the secret through `env:` and let the tool read it from its environment, a file or "
    "stdin (`--password-stdin`, `curl -H @-`)",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for use in script.argv:
            if use.category != "plain" or not use.taint.inline or use.taint.dump:
                continue
            if use.taint.minted:
                continue
            yield analysis.finding(
                RULE,
                facts.run_node,
                use.start,
                use.end,
                f"{what(use.taint)} is expanded into the arguments of `{use.command}`, "
                "where the process list, audit logs and the runner's script file show it",
                route,
            )
