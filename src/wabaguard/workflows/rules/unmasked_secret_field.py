"""``fromJSON(secrets.X)``: fields of a structured secret are not masked."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule, what

RULE = rule(
    "unmasked-secret-field",
    "Field of a structured secret escapes masking",
    Severity.HIGH,
    Confidence.HIGH,
    "Store each sensitive value as its own secret and reference it directly",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for site in analysis.expressions():
        if not site.info.from_json_secret or site.info.taint is None:
            continue
        yield analysis.finding(
            RULE,
            site.node,
            site.span.start,
            site.span.end,
            f"`fromJSON()` of {what(site.info.taint)} yields values the runner does not "
            "mask; they appear in the step's log header even without an echo",
            site.route,
        )
