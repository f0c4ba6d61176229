"""A scan's findings with their verdicts: facts, notes, and what the facts imply.

* every credential finding gets ``properties["verification"]`` (the verdict's JSON) and a
  note for people (``verified active by graph.facebook.com: SYSTEM_USER token…``), plus one
  note per WhatsApp Business Account it reaches (``can message as +1 555… (Acme)``);
* an active Meta token also gets, at its place: ``over-privileged-token`` (scopes beyond
  WhatsApp messaging and management), ``meta-user-token`` (a USER token), and
  ``stale-credential`` (issued longer ago than the rotation policy allows);
* ``only_active`` keeps only findings about credentials verified active.

Every finding is made by the one constructor (``builder``); nothing here sees a raw value
but to pass it to the checks and to mask it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wabaguard.core import redact
from wabaguard.core.builder import Draft, FileFindings, RawCredentials, with_facts
from wabaguard.core.findings import Finding, Kind
from wabaguard.online.verify import (
    Settings,
    Verdict,
    issuer_for,
    planned_hosts,
    url_consent_needed,
    verify_values,
)

if TYPE_CHECKING:
    from wabaguard.core.config import Config
    from wabaguard.core.findings import ScanResult

MAX_NUMBERS_SHOWN = 5  # phone numbers listed per account in a note (all are in the facts)


@dataclass(frozen=True)
class Outcome:
    checked: int  # distinct values
    by_status: Mapping[str, int]
    hidden: int  # findings --only-active left out


def verify_scan(
    result: ScanResult,
    raw: RawCredentials,
    config: Config,
    settings: Settings,
    *,
    notice: Callable[[str], None],
    only_active: bool = False,
    now: dt.datetime | None = None,
) -> Outcome:
    """``verify_findings`` on a scan's findings, in place."""
    result.findings, outcome = verify_findings(
        result.findings,
        raw,
        config,
        settings,
        notice=notice,
        only_active=only_active,
        now=now,
    )
    return outcome


def verify_findings(
    reported: list[Finding],
    raw: RawCredentials,
    config: Config,
    settings: Settings,
    *,
    notice: Callable[[str], None],
    only_active: bool = False,
    now: dt.datetime | None = None,
) -> tuple[list[Finding], Outcome]:
    """Check every credential ``reported`` holds (once per value, its raw value from
    ``raw``) and return the findings with their verdicts, plus what they imply, sorted.
    ``notice`` is told, once and before anything is sent, which hosts the values go to.
    Any command whose findings come from ``FileFindings(..., raw=raw)`` can call it
    (``history --verify``)."""
    from wabaguard.online.rotation import RotationPolicy

    policy = RotationPolicy.from_config(config.rotation, config.source or "config")
    hashes: list[str] = []
    pairs: list[tuple[str, str]] = []
    facts: list[Mapping[str, Any]] = []  # as found: the finding's copy may be masked
    for f in reported:
        if f.kind is not Kind.CREDENTIAL or not f.secret_hash or f.secret_hash in hashes:
            continue
        entry = raw.get(f.secret_hash)
        if entry is None:
            continue
        value, rules = entry
        rule = next((r for r in rules if issuer_for(r) is not None), rules[0])
        hashes.append(f.secret_hash)
        pairs.append((rule, value))
        facts.append(raw.facts(f.secret_hash))
    hosts = planned_hosts(pairs, settings, facts)
    in_url = planned_hosts(pairs, settings, facts, in_url_only=True)
    notice(_notice(hosts, len(pairs)) + _in_url(in_url))
    withheld = url_consent_needed(pairs, settings, facts)
    if withheld:
        notice(_url_notice(withheld))
    checked = verify_values(pairs, settings, facts=facts) if pairs else []
    verdicts = dict(zip(hashes, checked, strict=True))
    values = {h: value for h, (_, value) in zip(hashes, pairs, strict=True)}
    today = (now or dt.datetime.now(dt.timezone.utc)).date()
    findings: list[Finding] = []
    for f in reported:
        verdict = verdicts.get(f.secret_hash) if f.kind is Kind.CREDENTIAL else None
        if verdict is None:
            findings.append(f)
            continue
        secret = values[f.secret_hash]
        findings.append(
            with_facts(
                f,
                properties={"verification": verdict.to_json()},
                notes=notes_for(verdict),
                secrets=(secret,),
            )
        )
        if verdict.status == "active" and verdict.issuer == "meta":
            findings.extend(_implied(f, verdict, secret, config, policy, today))
    hidden = 0
    if only_active:
        kept = [f for f in findings if _status(f) == "active"]
        hidden = len(findings) - len(kept)
        findings = kept
    findings.sort(key=Finding.sort_key)
    counts: dict[str, int] = {}
    for verdict in verdicts.values():
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    return findings, Outcome(len(pairs), counts, hidden)


def summary_line(outcome: Outcome) -> str:
    """One line on stderr after the checks: how many values, and their verdicts."""
    if not outcome.checked:
        return "wabaguard: --verify: no credential to verify"
    order = ("active", "invalid", "unverifiable", "unsupported")
    counts = ", ".join(f"{outcome.by_status[s]} {s}" for s in order if s in outcome.by_status)
    line = f"wabaguard: --verify: {outcome.checked} credential value(s): {counts}"
    if outcome.hidden:
        line += f"; --only-active left out {outcome.hidden} other finding(s)"
    return line


def _notice(hosts: Mapping[str, int], found: int) -> str:
    if not found:
        return "wabaguard: --verify: no credential found; nothing is sent"
    if not hosts:
        return (
            f"wabaguard: --verify: none of the {found} credential value(s) found has a "
            "read-only check; nothing is sent"
        )
    total = sum(hosts.values())
    where = ", ".join(f"{host} ({n})" for host, n in sorted(hosts.items()))
    return (
        f"wabaguard: --verify: sending {total} found credential value(s) to their issuers "
        f"for a read-only check: {where}"
    )


def _in_url(hosts: Mapping[str, int]) -> str:
    if not hosts:
        return ""
    where = ", ".join(f"{host} ({n})" for host, n in sorted(hosts.items()))
    return f"; in the URL path, as --verify-url-tokens allows: {where}"


def _url_notice(withheld: Mapping[str, int]) -> str:
    """Said once: the tokens kept back because their only check needs them in a URL."""
    total = sum(withheld.values())
    who = ", ".join(f"{label} ({n})" for label, n in sorted(withheld.items()))
    return (
        f"wabaguard: --verify: {total} token(s) not sent ({who}): the issuer reads them only "
        "from the URL path; add --verify-url-tokens to send them there (https only)"
    )


def _status(f: Finding) -> str:
    verification = f.properties.get("verification")
    return str(verification.get("status", "")) if isinstance(verification, Mapping) else ""


def notes_for(verdict: Verdict) -> tuple[str, ...]:
    """The lines people read: the verdict, and what an active token can message as."""
    host = verdict.host or verdict.issuer
    facts = verdict.facts
    if verdict.status == "active":
        line = f"verified active by {host}"
        about = _token_summary(facts)
        if about:
            line = f"{line}: {about}"
        if verdict.detail:
            line = f"{line} ({verdict.detail})"
        lines = [line]
        for account in facts.get("whatsapp_business_accounts", ()):
            lines.append(_account_line(account))
        if facts.get("whatsapp_accounts_unlisted"):
            lines.append(
                "reaches every WhatsApp Business Account its user was granted (no target ids)"
            )
        return tuple(lines)
    if verdict.status == "invalid":
        return (f"verified invalid by {host}: {verdict.detail or verdict.reason}",)
    if verdict.status == "unverifiable":
        return (f"could not verify with {host}: {verdict.detail or verdict.reason}",)
    return (f"not verified: {verdict.detail or verdict.reason}",)


def _token_summary(facts: Mapping[str, Any]) -> str:
    parts = []
    kind = facts.get("token_type")
    app = facts.get("app_id")
    if kind or app:
        text = f"{kind or 'a'} token"
        if app:
            text += f" of app {app}"
            if facts.get("application"):
                text += f" ({facts['application']})"
        parts.append(text)
    if "expires_at" in facts:
        expires = facts["expires_at"]
        parts.append("never expires" if expires == "never" else f"expires {expires}")
    if facts.get("issued_at"):
        parts.append(f"issued {facts['issued_at']}")
    scopes = facts.get("scopes")
    if scopes:
        parts.append(f"scopes: {', '.join(scopes)}")
    return "; ".join(parts)


def _account_line(account: Mapping[str, Any]) -> str:
    where = f"WhatsApp Business Account {account.get('id')}"
    if "error" in account:
        return f"{where}: its phone numbers could not be read ({account['error']})"
    numbers = list(account.get("phone_numbers", ()))
    if not numbers:
        return f"{where}: no phone numbers"
    shown = [
        f"{n.get('display_phone_number', n.get('id', '?'))}"
        + (f" ({n['verified_name']})" if n.get("verified_name") else "")
        for n in numbers[:MAX_NUMBERS_SHOWN]
    ]
    more = len(numbers) - len(shown)
    if more > 0:
        shown.append(f"{more} more")
    return f"can message as {', '.join(shown)} [{where}]"


def _implied(
    f: Finding,
    verdict: Verdict,
    secret: str,
    config: Config,
    policy: Any,
    today: dt.date,
) -> list[Finding]:
    """What an active Meta token's facts imply, as findings at its place."""
    from wabaguard.core.registry import rule_ids
    from wabaguard.online.rotation import stale_credential_draft
    from wabaguard.online.rules import META_USER_TOKEN, OVER_PRIVILEGED_TOKEN

    facts = verdict.facts
    label = f"Meta token {redact.describe(secret)}"
    about = {"verification": verdict.to_json()}
    drafts: list[Draft] = []
    excess = list(facts.get("excess_scopes", ()))
    if excess:
        drafts.append(
            _at(
                f,
                OVER_PRIVILEGED_TOKEN,
                f"{label} is live with scopes beyond WhatsApp messaging and management: "
                f"{', '.join(excess)}",
                {**about, "excess_scopes": excess},
            )
        )
    if facts.get("token_type") == "USER":
        drafts.append(
            _at(
                f,
                META_USER_TOKEN,
                f"{label} is a live USER token: it dies with its person and acts with all of "
                "their access",
                about,
            )
        )
    issued = facts.get("issued_at")
    if isinstance(issued, str) and len(issued) >= 10:
        try:
            issued_on = dt.date.fromisoformat(issued[:10])
        except ValueError:
            issued_on = None
        stale = None
        if issued_on is not None:
            stale = stale_credential_draft(
                name=label,
                where=f.path,
                logical_location="",
                identity=f.secret_hash,
                last_rotated=issued_on,
                today=today,
                policy=policy,
                verb="was issued",
                properties=about,
            )
        if stale is not None:
            drafts.append(
                _at(f, stale.rule, stale.detail, stale.properties, severity=stale.severity)
            )
    if not drafts:
        return []
    sink = FileFindings(f.path, config, rule_ids)
    sink.add_secret(secret)
    for draft in drafts:
        sink.add(draft, f.snippet)  # the redacted line: suppressions on it still apply
    made, _ = sink.finish()
    return made


def _at(
    f: Finding, rule: Any, detail: str, properties: Mapping[str, Any], severity: Any = None
) -> Draft:
    return Draft(
        rule,
        f.line,
        f.column,
        f.end_line,
        f.end_column,
        detail=detail,
        identity=f.secret_hash,
        properties=properties,
        severity=severity,
    )
