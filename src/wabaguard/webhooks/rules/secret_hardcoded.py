"""The app secret or the verify token of a webhook handler written in its source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wabaguard.core.findings import Confidence, Kind, Rule, Severity

if TYPE_CHECKING:
    from wabaguard.webhooks.analysis import Analysis, Hit
    from wabaguard.webhooks.model import Function, Literal

RULE = Rule(
    "webhook-secret-hardcoded",
    "WhatsApp webhook's app secret or verify token written in the handler's source",
    Severity.HIGH,
    Confidence.HIGH,
    "Read it from the environment or a secret store, and rotate an app secret that was committed",
    kind=Kind.WORKFLOW,  # keyed by fingerprint in baselines, as the other webhook rules
    # The finding's span is the literal: masked in every snippet, and one finding with a
    # credential rule that reports the same value (see docs/rules/webhook-secret-hardcoded.md).
    reports_secret=True,
)


def check(analysis: Analysis) -> Iterator[Hit]:
    from wabaguard.webhooks.literals import APP_SECRET, VERIFY_TOKEN

    # The HMAC key of a handler's signature check: in the handler or what it reaches.
    for handler in analysis.handlers():
        for fn in analysis.reach(handler):
            if fn.origin:
                continue  # another file's literal: reported by that file's own scan
            for literal in fn.literals:
                if literal.role == APP_SECRET:
                    yield _hit(analysis, handler, literal)
    # The verify token: the function that answers the subscription handshake with it.
    for fn in analysis.module.functions:
        if not fn.origin:
            for literal in fn.literals:
                if literal.role == VERIFY_TOKEN:
                    yield _hit(analysis, fn, literal)


def _hit(analysis: Analysis, handler: Function, literal: Literal) -> Hit:
    from wabaguard.webhooks import literals
    from wabaguard.webhooks.analysis import Hit, describe
    from wabaguard.webhooks.rules._common import framework_of

    via = f" ({literal.via})" if literal.via else ""
    who = describe(handler)
    route = handler.route
    if not handler.name and route is not None and route.path:  # a closure: say which route
        methods = "/".join(sorted(route.methods))
        who = f"the {methods + ' ' if methods else ''}{route.path} handler ({route.framework})"
    if literal.role == literals.APP_SECRET:
        use = "keys its X-Hub-Signature-256 HMAC with"
        harm = "whoever reads the code can sign forged webhooks"
    else:
        use = "compares hub.verify_token with"
        harm = "whoever reads the code can subscribe another endpoint in its name"
    what = "a string literal written in this file"
    if literal.fallback:
        what = "a string literal as the fallback of an environment lookup"
        harm = "when the variable is unset, the committed value is used"
    framework = framework_of(handler)
    fix = literals.fix(literal.role, framework, analysis.module.language)
    shown = f"Fix for {framework}: {fix}" if framework else f"Fix: {fix}"
    return Hit(
        RULE,
        literal.site,
        f"{who} {use} {what}{via}: {harm}",
        f"{handler.owner}.{handler.name}:{literal.role}:{literal.via}",
        handler,
        Confidence.LOW if literal.fallback else None,
        secret=literal.value,
        severity=Severity.LOW if literal.role == literals.VERIFY_TOKEN else None,
        notes=(f"the {literal.role} of {who} at line {handler.site.line}{via}",),
        fix=shown,
        role=literal.role,
    )
