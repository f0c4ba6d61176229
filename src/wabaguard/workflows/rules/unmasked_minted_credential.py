"""A credential minted in the job, used or output before ``::add-mask::``."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule, scripts, what

RULE = rule(
    "unmasked-minted-credential",
    "Minted credential used before it is masked",
    Severity.HIGH,
    Confidence.MEDIUM,
    'Run `echo "::add-mask::$VALUE"` right after creating the credential, before printing, '
    "exporting or passing it anywhere",
)

_WHERE = MappingProxyType(
    {
        "log": "printed to the log",
        "summary": "written to the job summary",
        "github-env": "written to $GITHUB_ENV",
        "github-output": "written to $GITHUB_OUTPUT",
        "github-path": "written to $GITHUB_PATH",
    }
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        run = facts.run_node
        for use in script.argv:
            if use.taint.minted and not use.taint.dump:
                yield analysis.finding(
                    RULE,
                    run,
                    use.start,
                    use.end,
                    f"{what(use.taint)} is passed to `{use.command}` before `::add-mask::` "
                    "registers it",
                    route,
                )
        for out in script.outputs:
            if out.taint.minted and not out.taint.dump and out.sink in _WHERE:
                yield analysis.finding(
                    RULE,
                    run,
                    out.start,
                    out.end,
                    f"{what(out.taint)} is {_WHERE[out.sink]} before `::add-mask::` registers it",
                    route,
                )
