"""Shell tracing (``set -x``, ``bash -x {0}``) while secret-bearing values are expanded."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule, scripts, what

RULE = rule(
    "trace-with-secrets",
    "Shell tracing prints secret-bearing commands",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Turn tracing off around commands that use secrets (`{ set +x; } 2>/dev/null`) or drop "
    "`-x` from the shell",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for trace in script.traces:
            detail = (
                f"`{trace.what}` writes every expanded command to the log, including "
                f"{what(trace.taint)}"
            )
            if trace.start >= 0:
                yield analysis.finding(
                    RULE,
                    facts.run_node,
                    trace.start,
                    trace.end,
                    detail,
                    route,
                )
            elif facts.step.shell_node is not None:
                shell = facts.step.shell_node
                if facts.step.node.get("shell") is shell:
                    where: tuple[str | int, ...] = (*facts.step.route, "shell")
                elif analysis.wf.doc.root.get("defaults") is not None and shell.start < (
                    facts.job.node.start
                ):
                    where = ("defaults", "run", "shell")
                else:
                    where = (*facts.job.route, "defaults", "run", "shell")
                yield analysis.finding_at(
                    RULE,
                    shell,
                    f"`shell: {facts.step.shell}` traces the script, including {what(trace.taint)}",
                    where,
                )
