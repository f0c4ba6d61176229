"""The signature compared with ``==``/``startswith``/``strcmp``: a timing side channel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wabaguard.core.findings import Confidence, Severity
from wabaguard.webhooks.rules._common import rule

if TYPE_CHECKING:
    from wabaguard.webhooks.analysis import Analysis, Hit

RULE = rule(
    "webhook-signature-timing-unsafe",
    "Webhook signature compared in variable time",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Compare signatures with hmac.compare_digest / crypto.timingSafeEqual / hash_equals /"
    " hmac.Equal, never ==, ===, strcmp or startswith",
)


def check(analysis: Analysis) -> Iterator[Hit]:
    from wabaguard.webhooks.analysis import Hit

    for fn in analysis.module.functions:
        if not analysis.signature_related(fn):
            continue
        for compare in fn.compares:
            if compare.safe:
                continue
            yield Hit(
                RULE,
                compare.site,
                f"the webhook signature is compared with `{compare.operator}`, which returns at"
                " the first differing byte and leaks how much of a forged signature is right",
                f"{fn.owner}.{fn.name}:{compare.operator}",
                fn,
            )
