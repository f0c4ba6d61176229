"""Opt-in live verification: is a found credential active, and what can it reach?

Only ``wabaguard scan --verify`` (and, to come, ``wabaguard history --verify``) gets here;
never detect-secrets' own ``verify()``, never the hook unless its arguments say so.

The reusable entry point is ``verify_values``: (rule id or detect-secrets secret type, raw
value) pairs in, one ``Verdict`` per pair out, one request set per distinct value, a few at
a time. ``planned_hosts`` says beforehand where values would be sent (for the notice the
caller must print). ``wabaguard.online.verify.findings`` puts verdicts on a scan's findings.

One module per issuer with a documented read-only check: ``graph`` (Meta), ``messagebird``,
``infobip``, ``dialog360``, ``twilio`` (an auth token with the account SID its finding
carries), ``vonage`` (an API secret with the API key its finding carries), ``green_api``
(a token with its instance id; it goes in the URL path, so only with the user's explicit
consent, ``Settings.url_tokens``). Values no such check can take are ``unsupported``, with
the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from wabaguard.online.verify import (
    dialog360,
    graph,
    green_api,
    infobip,
    messagebird,
    twilio,
    vonage,
)
from wabaguard.online.verify.model import Issuer, Settings, Verdict, host_of

__all__ = ["ISSUERS", "Issuer", "Settings", "Verdict", "issuer_for", "planned_hosts"]
__all__ += ["url_consent_needed", "verify_values"]

MAX_WORKERS = 4  # credentials checked at once: a scan may find many, issuers rate-limit

ISSUERS: dict[str, Issuer] = {
    "meta-access-token": graph.ISSUER,
    "meta-app-access-token": graph.ISSUER,  # APP_ID|APP_SECRET inspects itself the same way
    "messagebird-access-key": messagebird.ISSUER,
    "infobip-api-key": infobip.ISSUER,
    "dialog360-api-key": dialog360.ISSUER,
    "twilio-auth-token": twilio.ISSUER,  # with the account SID found beside it
    # Only the Vonage secrets among them, with the API key found beside them; any other
    # provider's key gets its "no check" verdict from it and is not sent.
    "bsp-api-key": vonage.ISSUER,
    "green-api-token": green_api.ISSUER,  # with its instance id; --verify-url-tokens only
}

# Why the others are not sent, for the few where a user would expect a check.
UNSUPPORTED: dict[str, str] = dict(
    [
        (
            "chat-api-token",
            "Chat API reads the token only from the URL, and wabaguard never puts a credential "
            "in a URL",
        ),
        ("twilio-api-key", "a Twilio SID alone cannot be checked (it needs its auth token)"),
        ("meta-app-secret", "alone, it cannot be checked (the check needs its app id)"),
    ]
)
_DEFAULT_UNSUPPORTED = "no read-only check for this kind of credential"
URL_CONSENT = "url-token-not-allowed"  # the reason of a value withheld for want of consent

_Key = tuple[str, str, str]  # issuer, value, the fact its check needs ("" if none)


def issuer_for(rule: str) -> Issuer | None:
    """The issuer whose check takes values of ``rule`` (a rule id or a secret type)."""
    return ISSUERS.get(_rule_id(rule))


def planned_hosts(
    pairs: Iterable[tuple[str, str]],
    settings: Settings,
    facts: Sequence[Mapping[str, Any]] = (),
    *,
    in_url_only: bool = False,
) -> dict[str, int]:
    """host -> how many distinct values would be sent there (nothing is sent). ``facts``:
    each pair's non-secret finding properties (an auth token's ``account_sid``).
    ``in_url_only``: count only the values that would go in a URL path (--verify-url-tokens)."""
    hosts: dict[str, int] = {}
    seen: set[_Key] = set()
    for i, (rule, value) in enumerate(pairs):
        job = _job(rule, value, facts[i] if i < len(facts) else {}, settings)
        if isinstance(job, Verdict) or job[0] in seen or (in_url_only and not job[1].url_token):
            continue
        seen.add(job[0])
        host = host_of(job[1].base_url(settings))
        hosts[host] = hosts.get(host, 0) + 1
    return hosts


def url_consent_needed(
    pairs: Iterable[tuple[str, str]],
    settings: Settings,
    facts: Sequence[Mapping[str, Any]] = (),
) -> dict[str, int]:
    """Issuer label -> how many distinct values it could check only with them in the URL
    path, withheld because ``settings.url_tokens`` (--verify-url-tokens) is off."""
    withheld: dict[str, set[str]] = {}
    for i, (rule, value) in enumerate(pairs):
        job = _job(rule, value, facts[i] if i < len(facts) else {}, settings)
        issuer = issuer_for(rule)
        if isinstance(job, Verdict) and job.reason == URL_CONSENT and issuer is not None:
            withheld.setdefault(issuer.label, set()).add(value)
    return {label: len(values) for label, values in withheld.items()}


def verify_values(
    pairs: Sequence[tuple[str, str]],
    settings: Settings | None = None,
    *,
    workers: int = MAX_WORKERS,
    facts: Sequence[Mapping[str, Any]] = (),
) -> list[Verdict]:
    """One verdict per (rule or secret type, raw value) pair, in order; each distinct value
    is checked once, at most ``workers`` at a time. ``facts``: as for ``planned_hosts``.
    Never raises for a failed check: that is an ``unverifiable`` verdict."""
    settings = settings or Settings()
    jobs: dict[_Key, Issuer] = {}
    planned: list[_Key | Verdict] = []
    for i, (rule, value) in enumerate(pairs):
        job = _job(rule, value, facts[i] if i < len(facts) else {}, settings)
        if isinstance(job, Verdict):
            planned.append(job)
            continue
        jobs.setdefault(job[0], job[1])
        planned.append(job[0])
    done: dict[_Key, Verdict] = {}
    if jobs:
        keys = list(jobs)
        with ThreadPoolExecutor(max(1, min(workers, len(keys)))) as pool:
            for key, verdict in zip(
                keys, pool.map(lambda k: _checked(jobs[k], k, settings), keys), strict=True
            ):
                done[key] = verdict
    return [p if isinstance(p, Verdict) else done[p] for p in planned]


def _job(
    rule: str, value: str, facts: Mapping[str, Any], settings: Settings
) -> tuple[_Key, Issuer] | Verdict:
    """What checking ``value`` takes: a request set (its key and issuer), or a verdict
    reached without sending anything."""
    issuer = issuer_for(rule)
    if issuer is None:
        reason = UNSUPPORTED.get(_rule_id(rule), _DEFAULT_UNSUPPORTED)
        return Verdict("unsupported", "", reason="no-check", detail=reason)
    early = issuer.local(value)
    if early is not None:
        return early
    partner = ""
    if issuer.needs:
        found = facts.get(issuer.needs)
        if not isinstance(found, str) or not found:
            return issuer.check(value, settings)  # says what is missing; sends nothing
        partner = found
    if issuer.url_token and not settings.url_tokens:
        detail = (
            f"{issuer.label} reads the token only from the URL path; wabaguard sends it there "
            "only with --verify-url-tokens"
        )
        return Verdict("unsupported", issuer.name, reason=URL_CONSENT, detail=detail)
    return (issuer.name, value, partner), issuer


def _checked(issuer: Issuer, key: _Key, settings: Settings) -> Verdict:
    """The issuer's check; a bug in it (or an answer it did not foresee) is a verdict, not
    an exception whose message or traceback could quote what it was handling."""
    _, value, partner = key
    try:
        if issuer.paired_check is not None:
            return issuer.paired_check(value, partner, settings)
        return issuer.check(value, settings)
    except Exception as exc:
        return Verdict(
            "unverifiable",
            issuer.name,
            host_of(issuer.base_url(settings)),
            "internal-error",
            f"internal error while checking ({type(exc).__name__}); please report it",
        )


def _rule_id(rule: str) -> str:
    """A rule id, from a rule id or a detect-secrets secret type (history keys on those)."""
    if rule in ISSUERS or rule in UNSUPPORTED:
        return rule
    from wabaguard.core.registry import all_rules

    for known in all_rules():
        if known.secret_type and known.secret_type == rule:
            return known.id
    return rule
