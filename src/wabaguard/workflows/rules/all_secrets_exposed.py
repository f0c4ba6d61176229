"""``toJSON(secrets)``: the whole secrets context materialised in a job."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule

RULE = rule(
    "all-secrets-exposed",
    "Every secret exposed to one job",
    Severity.HIGH,
    Confidence.HIGH,
    "Reference only the secrets the job needs, one by one (`secrets.NAME`)",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for site in analysis.expressions():
        if not site.info.all_secrets:
            continue
        yield analysis.finding(
            RULE,
            site.node,
            site.span.start,
            site.span.end,
            "the whole `secrets` context is serialised, so every repository and organisation "
            "secret is loaded into this job",
            site.route,
        )
