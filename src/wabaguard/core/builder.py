"""The one place findings are made, for every capability.

Analyses (credential detectors, detect-secrets' plugins, workflow rules, and whatever comes
next) do not build ``Finding`` objects. They hand a ``Draft`` (rule, position, non-secret
detail, identity) and the raw source line to a file's ``FileFindings``, and report every
secret value they see with ``add_secret`` (whether or not its rule is enabled). When the file
is done, ``finish`` applies, in this order and nowhere else:

1. the rule switch: drafts of disabled rules, and drafts less sure than the config's
   confidence floor (``--min-confidence``), are dropped (their values stay masked);
2. one finding per value: drafts whose secret spans overlap on a line become one finding, by
   the most specific rule (the first reported), the others named in ``related``;
3. suppressions: ``wabaguard: ignore[...]`` (parsed strictly; a malformed one is itself a
   finding) and detect-secrets' allowlist pragma; suppressed drafts are counted;
4. severity (the config's override) and confidence;
5. redaction: every value found anywhere in the file is masked in every snippet and message;
6. the fingerprint: rule + path + identity (secret hash or YAML route) + occurrence.

Live verification (``scan --verify``) is the one caller that needs raw values after the
scan: it hands a ``RawCredentials`` to ``FileFindings``, which records the value of each
credential finding it reports, and later adds what it learnt with ``with_facts``.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from wabaguard.core import redact
from wabaguard.core.findings import Confidence, Finding, Kind, Related, Rule, Severity, fingerprint
from wabaguard.core.suppressions import INVALID_SUPPRESSION, Pragma, parse_pragma

if TYPE_CHECKING:
    from wabaguard.core.config import Config

SNIPPET_SOURCE = 16 * 1024  # characters of a source line kept for its snippet


class Draft:
    """A finding before it is made. May refer to a raw secret; never leaves the scan."""

    __slots__ = (
        "allowlisted",
        "column",
        "confidence",
        "detail",
        "end_column",
        "end_line",
        "identity",
        "line",
        "logical_location",
        "notes",
        "properties",
        "rule",
        "secret",
        "secret_hash",
        "severity",
    )

    def __init__(
        self,
        rule: Rule,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        *,
        detail: str = "",
        identity: str,
        secret: str = "",
        secret_hash: str = "",
        confidence: Confidence | None = None,
        allowlisted: bool = False,
        properties: Mapping[str, Any] | None = None,
        notes: tuple[str, ...] = (),
        logical_location: str = "",
        severity: Severity | None = None,
    ) -> None:
        self.rule: Final = rule
        self.line: Final = line  # 1-based
        self.column: Final = column  # 1-based
        self.end_line: Final = end_line
        self.end_column: Final = end_column  # 1-based, exclusive
        self.detail: Final = detail  # non-secret; scrubbed of known values all the same
        self.identity: Final = identity  # what the fingerprint keys on, besides rule and path
        self.secret: Final = secret  # the raw value, for credential findings ("" otherwise)
        self.secret_hash: Final = secret_hash
        self.confidence: Final = confidence  # None: the rule's
        self.allowlisted: Final = allowlisted  # detect-secrets' allowlist pragma applies
        self.properties: Final = properties or {}  # JSON values, never a secret
        self.notes: Final = notes
        self.logical_location: Final = logical_location  # see Finding.logical_location
        # None: the rule's (or the config's override). Set for a finding that is milder than
        # its rule by nature (a credential due for rotation soon, not yet overdue).
        self.severity: Final = severity

    @property
    def is_secret_span(self) -> bool:
        """Its span is a secret value: another rule reporting the same span is a duplicate."""
        return self.rule.kind is Kind.CREDENTIAL or self.rule.reports_secret


class FileFindings:
    """Collects one file's drafts and secret values; ``finish`` makes the findings."""

    __slots__ = ("_drafts", "_known_rules", "_raw", "_sources", "config", "masker", "path")

    def __init__(
        self,
        path: str,
        config: Config,
        known_rules: Callable[[], frozenset[str]],
        *,
        raw: RawCredentials | None = None,
    ) -> None:
        self.path = path
        self.config = config
        self.masker = redact.Masker()
        self._known_rules = known_rules
        self._drafts: list[Draft] = []
        self._sources: dict[int, str] = {}  # line number -> the raw line (capped)
        self._raw = raw  # given only when the caller verifies credentials (--verify)

    def add_secret(self, value: str) -> None:
        self.masker.add(value)

    def add(self, draft: Draft, source: str) -> None:
        self._drafts.append(draft)
        if draft.line not in self._sources:
            self._sources[draft.line] = source[:SNIPPET_SOURCE]

    def secrets(self) -> redact.Masker:
        return self.masker

    def finish(self) -> tuple[list[Finding], int]:
        """The findings, and how many drafts a suppression silenced."""
        config = self.config
        floor = config.confidence_floor.rank
        drafts = [
            d
            for d in self._drafts
            if d.rule.id not in config.disable and (d.confidence or d.rule.confidence).rank >= floor
        ]
        kept, related, merged = _one_per_value(drafts)
        findings: list[Finding] = []
        suppressed = 0
        pragmas: dict[int, Pragma | None] = {}
        reported_pragma: set[int] = set()
        occurrences: dict[tuple[str, str], int] = {}
        for draft in kept:
            source = self._sources.get(draft.line, "")
            if draft.line not in pragmas:
                pragmas[draft.line] = parse_pragma(source, self._known_rules)
            pragma = pragmas[draft.line]
            if pragma is not None and pragma.problem and draft.line not in reported_pragma:
                reported_pragma.add(draft.line)
                if INVALID_SUPPRESSION.id not in config.disable:
                    findings.append(self._invalid_pragma(draft.line, pragma, source))
            if draft.allowlisted or (pragma is not None and pragma.silences(draft.rule.id)):
                suppressed += 1 + len(related.get(id(draft), ()))
                continue
            findings.append(
                self._make(
                    draft, source, related.get(id(draft), ()), occurrences, merged.get(id(draft))
                )
            )
            if self._raw is not None and draft.secret and draft.secret_hash:
                self._raw.add(draft.secret_hash, draft.rule.id, draft.secret, draft.properties)
        return findings, suppressed

    def _make(
        self,
        draft: Draft,
        source: str,
        related: tuple[Related, ...],
        occurrences: dict[tuple[str, str], int],
        merged: list[Draft] | None = None,
    ) -> Finding:
        rule = draft.rule
        notes, properties = draft.notes, draft.properties
        if merged:  # what the related rules know about the value (a webhook handler's role)
            notes = tuple(dict.fromkeys([*notes, *(n for d in merged for n in d.notes)]))
            properties = {**{k: v for d in merged for k, v in d.properties.items()}, **properties}
        key = (rule.id, draft.identity)
        nth = occurrences.get(key, 0)
        occurrences[key] = nth + 1
        if draft.secret:
            what = f"{rule.title} {redact.describe(draft.secret)}"
            if draft.detail:
                what = f"{what} {draft.detail}"
        else:
            what = draft.detail or rule.title
        return Finding(
            rule=rule.id,
            title=rule.title,
            severity=draft.severity or self.config.severity.get(rule.id, rule.severity),
            confidence=draft.confidence or rule.confidence,
            path=self.path,
            line=draft.line,
            column=draft.column,
            end_line=draft.end_line,
            end_column=draft.end_column,
            message=self.masker.scrub(f"{what}. {rule.fix}"),
            snippet=self.masker.line(source),
            fingerprint=fingerprint(rule.id, self.path, f"{draft.identity}#{nth}"),
            help_uri=rule.help_uri,
            secret_hash=draft.secret_hash,
            secret_type=rule.secret_type,
            kind=rule.kind,
            related=related,
            properties=_scrubbed(properties, self.masker),
            notes=tuple(self.masker.scrub(note) for note in notes),
            logical_location=self.masker.scrub(draft.logical_location),
        )

    def _invalid_pragma(self, line: int, pragma: Pragma, source: str) -> Finding:
        rule = INVALID_SUPPRESSION
        detail = self.masker.scrub(f"Suppression comment ignored: {pragma.problem}")
        return Finding(
            rule=rule.id,
            title=rule.title,
            severity=self.config.severity.get(rule.id, rule.severity),
            confidence=rule.confidence,
            path=self.path,
            line=line,
            column=pragma.column + 1,
            end_line=line,
            end_column=pragma.column + 1 + len("wabaguard:"),
            message=f"{detail}. {rule.fix}",
            snippet=self.masker.line(source),
            fingerprint=fingerprint(rule.id, self.path, f"line:{line}"),
            help_uri=rule.help_uri,
            kind=rule.kind,
        )


class RawCredentials:
    """The raw values of the credential findings one scan reported, keyed by secret hash.

    Owned by the call that asked for it (``wabaguard scan --verify``), handed to the live
    check and dropped with it: never on a ``Finding``, never in a report, and it refuses to
    be pickled, so it cannot cross a process boundary or reach a file by accident.
    """

    __slots__ = ("_facts", "_values")

    def __init__(self) -> None:
        self._values: dict[str, tuple[str, list[str]]] = {}  # hash -> (value, rule ids)
        self._facts: dict[str, dict[str, Any]] = {}  # hash -> its drafts' properties

    def add(
        self,
        secret_hash: str,
        rule_id: str,
        value: str,
        properties: Mapping[str, Any] | None = None,
    ) -> None:
        entry = self._values.setdefault(secret_hash, (value, []))
        if rule_id not in entry[1]:
            entry[1].append(rule_id)
        facts = self._facts.setdefault(secret_hash, {})
        for key, fact in (properties or {}).items():
            facts.setdefault(key, fact)

    def facts(self, secret_hash: str) -> Mapping[str, Any]:
        """The properties its drafts carried, as found: unmasked, unlike the finding's copy
        (an account SID the same file also reports is masked there)."""
        return self._facts.get(secret_hash, {})

    def get(self, secret_hash: str) -> tuple[str, tuple[str, ...]] | None:
        """The value and the rules that reported it (most specific first), or None."""
        entry = self._values.get(secret_hash)
        return None if entry is None else (entry[0], tuple(entry[1]))

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"RawCredentials({len(self._values)} values)"

    def __reduce__(self) -> Any:
        raise TypeError("raw credential values are never serialised")


def with_facts(
    finding: Finding,
    *,
    properties: Mapping[str, Any] | None = None,
    notes: tuple[str, ...] = (),
    secrets: Iterable[str] = (),
) -> Finding:
    """``finding`` with more facts and notes, for a capability that learns them after the
    scan (live verification). Same identity: rule, place and fingerprint do not change.
    ``secrets`` are masked in both (belt and braces: facts never hold one)."""
    masker = redact.Masker()
    for value in secrets:
        masker.add(value)
    merged = {**finding.properties, **_scrubbed(properties or {}, masker)}
    added = tuple(masker.scrub(note) for note in notes)
    return dataclasses.replace(finding, properties=merged, notes=(*finding.notes, *added))


def _one_per_value(
    drafts: list[Draft],
) -> tuple[list[Draft], dict[int, tuple[Related, ...]], dict[int, list[Draft]]]:
    """Drafts whose secret spans overlap on one line are one finding: the first reported
    (analyses report their most specific rules first) names the others as related, and
    keeps the notes and properties they carry (third result: the merged drafts by owner).

    Single-line secret spans only; other drafts pass through. A line's kept spans are
    disjoint and sorted, so each check is a binary search: O(n log n) for n drafts.
    """
    kept: list[Draft] = []
    related: dict[int, list[Related]] = {}
    merged: dict[int, list[Draft]] = {}
    lines: dict[int, tuple[list[int], list[Draft]]] = {}
    for draft in drafts:
        if not draft.is_secret_span or draft.end_line != draft.line:
            kept.append(draft)
            continue
        starts, owners = lines.setdefault(draft.line, ([], []))
        i = bisect.bisect_right(starts, draft.column) - 1
        owner = None
        if i >= 0 and owners[i].end_column > draft.column:
            owner = owners[i]
        elif i + 1 < len(starts) and starts[i + 1] < draft.end_column:
            owner = owners[i + 1]
        if owner is None:
            starts.insert(i + 1, draft.column)
            owners.insert(i + 1, draft)
            kept.append(draft)
            continue
        if draft.rule.id != owner.rule.id:
            also = Related(draft.rule.id, draft.rule.secret_type, draft.secret_hash)
            names = related.setdefault(id(owner), [])
            if also not in names:
                names.append(also)
        if draft.notes or draft.properties:
            merged.setdefault(id(owner), []).append(draft)
    return kept, {k: tuple(v) for k, v in related.items()}, merged


def _scrubbed(value: Any, masker: redact.Masker) -> Any:
    """A JSON value with every known secret masked in its strings (belt and braces: no
    capability should put a secret there)."""
    if isinstance(value, str):
        return masker.scrub(value) if masker else value
    if isinstance(value, Mapping):
        return {str(k): _scrubbed(v, masker) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrubbed(v, masker) for v in value]
    return value
