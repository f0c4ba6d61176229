"""``env``/``printenv``/``export -p``… printed while secrets are in the environment."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule, scripts, what

RULE = rule(
    "env-dump-with-secrets",
    "Environment dumped while it holds secrets",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Print variable names only (`printenv | cut -d= -f1`), or the specific non-secret "
    "variables you need",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for out in script.outputs:
            if not out.taint.dump or out.sink not in ("log", "summary"):
                continue
            names = sorted(s[1:] for s in out.taint.sources if s.startswith("$"))
            holds = ", ".join(f"`{n}`" for n in names[:4]) + (" …" if len(names) > 4 else "")
            yield analysis.finding(
                RULE,
                facts.run_node,
                out.start,
                out.end,
                f"`{out.command}` prints the whole environment, which holds secret-bearing "
                f"{holds or what(out.taint)}",
                route,
            )
