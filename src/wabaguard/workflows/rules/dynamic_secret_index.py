"""``secrets[<computed>]``: any secret can be reached from this job."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule

RULE = rule(
    "dynamic-secret-index",
    "Secret selected by a computed name",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Use one environment per target with the same secret name (`environment: ${{ matrix.env "
    "}}` + `secrets.DEPLOY_TOKEN`), or list the secrets explicitly",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for site in analysis.expressions():
        if not site.info.dynamic_index:
            continue
        yield analysis.finding(
            RULE,
            site.node,
            site.span.start,
            site.span.end,
            "`secrets[…]` with a computed index makes the runner load every secret into this job",
            site.route,
        )
