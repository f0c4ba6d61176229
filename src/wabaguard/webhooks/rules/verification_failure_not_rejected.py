"""A failed signature check is noted but processing goes on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wabaguard.core.findings import Confidence, Severity
from wabaguard.webhooks.rules._common import rule

if TYPE_CHECKING:
    from wabaguard.webhooks.analysis import Analysis, Hit

RULE = rule(
    "webhook-verification-failure-not-rejected",
    "Failed webhook signature check does not stop processing",
    Severity.HIGH,
    Confidence.MEDIUM,
    "On a failed check, return 401/403 (or raise/abort) before touching the payload",
)


def check(analysis: Analysis) -> Iterator[Hit]:
    from wabaguard.webhooks.analysis import Hit

    for fn in analysis.module.functions:
        if fn.returns_verdict:
            continue  # a verifier: its caller decides, on the verdict it returns
        for found in fn.checks:
            if not found.falls_through:
                continue
            if not found.direct and not any(analysis.is_verifier(c) for c in found.calls):
                continue
            yield Hit(
                RULE,
                found.site,
                "when the signature check fails this branch neither returns nor raises, so the"
                " forged payload is processed anyway",
                f"{fn.owner}.{fn.name}:check",
                fn,
            )
        for name, site in fn.discarded:
            targets = analysis.resolve(name)
            if targets and any(t.returns_verdict for t in targets):
                yield Hit(
                    RULE,
                    site,
                    f"the verdict of `{name}` is thrown away: a forged payload is processed"
                    " like a genuine one",
                    f"{fn.owner}.{fn.name}:discarded:{name}",
                    fn,
                )
