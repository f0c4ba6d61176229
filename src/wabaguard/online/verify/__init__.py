"""Opt-in live verification: is a found credential active, and what can it reach?

Only ``wabaguard scan --verify`` (and, to come, ``wabaguard history --verify``) gets here;
never detect-secrets' own ``verify()``, never the hook unless its arguments say so.

The reusable entry point is ``verify_values``: (rule id or detect-secrets secret type, raw
value) pairs in, one ``Verdict`` per pair out, one request set per distinct value, a few at
a time. ``planned_hosts`` says beforehand where values would be sent (for the notice the
caller must print). ``wabaguard.online.verify.findings`` puts verdicts on a scan's findings.

One module per issuer with a documented read-only check: ``graph`` (Meta), ``messagebird``,
``infobip``, ``dialog360``. Values no such check can take without putting them in a URL are
``unsupported``, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from wabaguard.online.verify import dialog360, graph, infobip, messagebird
from wabaguard.online.verify.model import Issuer, Settings, Verdict, host_of

__all__ = ["ISSUERS", "Issuer", "Settings", "Verdict", "issuer_for", "planned_hosts"]
__all__ += ["verify_values"]

MAX_WORKERS = 4  # credentials checked at once: a scan may find many, issuers rate-limit

ISSUERS: dict[str, Issuer] = {
    "meta-access-token": graph.ISSUER,
    "meta-app-access-token": graph.ISSUER,  # APP_ID|APP_SECRET inspects itself the same way
    "messagebird-access-key": messagebird.ISSUER,
    "infobip-api-key": infobip.ISSUER,
    "dialog360-api-key": dialog360.ISSUER,
}

# Why the others are not sent, for the few where a user would expect a check.
UNSUPPORTED: dict[str, str] = dict(
    [
        (
            "green-api-token",
            "GREEN-API reads the token only from the URL path, and wabaguard never puts a "
            "credential in a URL",
        ),
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


def issuer_for(rule: str) -> Issuer | None:
    """The issuer whose check takes values of ``rule`` (a rule id or a secret type)."""
    return ISSUERS.get(_rule_id(rule))


def planned_hosts(pairs: Iterable[tuple[str, str]], settings: Settings) -> dict[str, int]:
    """host -> how many distinct values would be sent there (nothing is sent)."""
    hosts: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for rule, value in pairs:
        issuer = issuer_for(rule)
        if issuer is None or issuer.local(value) is not None or (issuer.name, value) in seen:
            continue
        seen.add((issuer.name, value))
        host = host_of(issuer.base_url(settings))
        hosts[host] = hosts.get(host, 0) + 1
    return hosts


def verify_values(
    pairs: Sequence[tuple[str, str]],
    settings: Settings | None = None,
    *,
    workers: int = MAX_WORKERS,
) -> list[Verdict]:
    """One verdict per (rule or secret type, raw value) pair, in order; each distinct value
    is checked once, at most ``workers`` at a time. Never raises for a failed check: that is
    an ``unverifiable`` verdict."""
    settings = settings or Settings()
    jobs: dict[tuple[str, str], Issuer] = {}
    local: dict[int, Verdict] = {}
    for i, (rule, value) in enumerate(pairs):
        issuer = issuer_for(rule)
        if issuer is None:
            reason = UNSUPPORTED.get(_rule_id(rule), _DEFAULT_UNSUPPORTED)
            local[i] = Verdict("unsupported", "", reason="no-check", detail=reason)
            continue
        early = issuer.local(value)
        if early is not None:
            local[i] = early
            continue
        jobs.setdefault((issuer.name, value), issuer)
    done: dict[tuple[str, str], Verdict] = {}
    if jobs:
        keys = list(jobs)
        with ThreadPoolExecutor(max(1, min(workers, len(keys)))) as pool:
            for key, verdict in zip(
                keys, pool.map(lambda k: _checked(jobs[k], k[1], settings), keys), strict=True
            ):
                done[key] = verdict
    out: list[Verdict] = []
    for i, (rule, value) in enumerate(pairs):
        if i in local:
            out.append(local[i])
        else:
            issuer = issuer_for(rule)
            assert issuer is not None
            out.append(done[(issuer.name, value)])
    return out


def _checked(issuer: Issuer, value: str, settings: Settings) -> Verdict:
    """The issuer's check; a bug in it (or an answer it did not foresee) is a verdict, not
    an exception whose message or traceback could quote what it was handling."""
    try:
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
