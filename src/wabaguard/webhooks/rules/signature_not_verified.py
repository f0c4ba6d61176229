"""A webhook's POST handler processes the payload with no X-Hub-Signature-256 check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wabaguard.core.findings import Confidence, Severity
from wabaguard.webhooks.rules._common import rule

if TYPE_CHECKING:
    from wabaguard.webhooks.analysis import Analysis, Hit

RULE = rule(
    "webhook-signature-not-verified",
    "WhatsApp webhook payload processed without verifying X-Hub-Signature-256",
    Severity.HIGH,
    Confidence.HIGH,
    "Verify X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret, compared in"
    " constant time) before processing, and answer a mismatch with 401",
)


def check(analysis: Analysis) -> Iterator[Hit]:
    from wabaguard.webhooks.analysis import Hit, describe

    for handler in analysis.handlers():
        if handler.recovered:
            continue  # a syntax error inside: absence of a check is no evidence
        reach = analysis.reach(handler)
        if any(fn.verifies for fn in reach) or analysis.unresolved_verifier(reach):
            continue
        route = handler.route
        # A router or controller may be mounted behind middleware this file cannot show.
        sure = route is not None and route.app_in_file
        yield Hit(
            RULE,
            handler.site,
            f"{describe(handler)} processes WhatsApp webhook payloads and nothing on its way"
            " checks X-Hub-Signature-256: anyone who knows the URL can forge messages",
            f"{handler.owner}.{handler.name}",
            handler,
            None if sure else Confidence.LOW,
        )
