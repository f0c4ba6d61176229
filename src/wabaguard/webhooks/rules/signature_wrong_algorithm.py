"""SHA-1 ``X-Hub-Signature`` only, or a plain hash where an HMAC belongs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wabaguard.core.findings import Confidence, Severity
from wabaguard.webhooks.rules._common import rule

if TYPE_CHECKING:
    from wabaguard.webhooks.analysis import Analysis, Hit

RULE = rule(
    "webhook-signature-wrong-algorithm",
    "Webhook signature checked with SHA-1 or a plain hash instead of HMAC-SHA256",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Check X-Hub-Signature-256 with an HMAC-SHA256 keyed with the app secret (hmac.new /"
    " createHmac('sha256') / hash_hmac('sha256') / hmac.New(sha256.New))",
)


def check(analysis: Analysis) -> Iterator[Hit]:
    from wabaguard.webhooks.analysis import Hit

    sha256_header = any(fn.header_256 for fn in analysis.module.functions)
    for fn in analysis.module.functions:
        verifying = analysis.verifying(fn)  # not the signature of an outgoing request
        weak = [m for m in fn.macs if verifying and m.keyed and m.algorithm in ("sha1", "md5")]
        for mac in weak:
            yield Hit(
                RULE,
                mac.site,
                f"the signature is an HMAC-{mac.algorithm.upper()}: Meta's X-Hub-Signature-256"
                " is HMAC-SHA256, and SHA-1 `X-Hub-Signature` is the legacy header",
                f"{fn.owner}.{fn.name}:hmac-{mac.algorithm}",
                fn,
            )
        if not weak and fn.header_sha1 and not sha256_header:
            yield Hit(
                RULE,
                fn.header_sha1[0],
                "only the legacy SHA-1 `X-Hub-Signature` header is checked; verify"
                " X-Hub-Signature-256",
                f"{fn.owner}.{fn.name}:sha1-header",
                fn,
            )
        keyed = any(m.keyed for m in fn.macs)
        if keyed or not (fn.header_256 or fn.header_sha1 or fn.takes_signature):
            continue
        for mac in fn.macs:
            yield Hit(
                RULE,
                mac.site,
                "the signature is checked against a plain hash: without the app secret as an"
                " HMAC key anyone can compute it",
                f"{fn.owner}.{fn.name}:plain-{mac.algorithm}",
                fn,
            )
