"""The HMAC computed over a re-serialised body instead of the raw bytes Meta signed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wabaguard.core.findings import Confidence, Severity
from wabaguard.webhooks.rules._common import rule

if TYPE_CHECKING:
    from wabaguard.webhooks.analysis import Analysis, Hit

RULE = rule(
    "webhook-signature-over-parsed-body",
    "Webhook HMAC computed over a re-serialised body",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Compute the HMAC over the raw request bytes (request.get_data(), express.raw, req.text(),"
    " $request->getContent(), io.ReadAll(r.Body)), never over a re-encoded parsed body",
)


def check(analysis: Analysis) -> Iterator[Hit]:
    from wabaguard.webhooks.analysis import Hit

    for fn in analysis.module.functions:
        if not analysis.verifying(fn):
            continue  # signing an outgoing webhook: any encoding the receiver re-checks is fine
        for mac in fn.macs:
            if not mac.keyed or not mac.reserialised:
                continue
            yield Hit(
                RULE,
                mac.site,
                f"the HMAC is computed over `{mac.reserialised}` of the parsed payload: key"
                " order, spacing and escapes differ from the bytes Meta signed, so genuine"
                " events fail (and verification tends to get switched off)",
                f"{fn.owner}.{fn.name}:{mac.reserialised}",
                fn,
            )
