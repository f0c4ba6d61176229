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
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from wabaguard import redact
from wabaguard.findings import Confidence, Finding, Kind, Related, Rule, fingerprint
from wabaguard.suppressions import INVALID_SUPPRESSION, Pragma, parse_pragma

if TYPE_CHECKING:
    from wabaguard.config import Config

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

    @property
    def is_secret_span(self) -> bool:
        """Its span is a secret value: another rule reporting the same span is a duplicate."""
        return self.rule.kind is Kind.CREDENTIAL or self.rule.reports_secret


class FileFindings:
    """Collects one file's drafts and secret values; ``finish`` makes the findings."""

    __slots__ = ("_drafts", "_known_rules", "_sources", "config", "masker", "path")

    def __init__(
        self, path: str, config: Config, known_rules: Callable[[], frozenset[str]]
    ) -> None:
        self.path = path
        self.config = config
        self.masker = redact.Masker()
        self._known_rules = known_rules
        self._drafts: list[Draft] = []
        self._sources: dict[int, str] = {}  # line number -> the raw line (capped)

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
        kept, related = _one_per_value(drafts)
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
            findings.append(self._make(draft, source, related.get(id(draft), ()), occurrences))
        return findings, suppressed

    def _make(
        self,
        draft: Draft,
        source: str,
        related: tuple[Related, ...],
        occurrences: dict[tuple[str, str], int],
    ) -> Finding:
        rule = draft.rule
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
            severity=self.config.severity.get(rule.id, rule.severity),
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
            properties=_scrubbed(draft.properties, self.masker),
            notes=tuple(self.masker.scrub(note) for note in draft.notes),
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


def _one_per_value(drafts: list[Draft]) -> tuple[list[Draft], dict[int, tuple[Related, ...]]]:
    """Drafts whose secret spans overlap on one line are one finding: the first reported
    (analyses report their most specific rules first) names the others as related.

    Single-line secret spans only; other drafts pass through. A line's kept spans are
    disjoint and sorted, so each check is a binary search: O(n log n) for n drafts.
    """
    kept: list[Draft] = []
    related: dict[int, list[Related]] = {}
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
    return kept, {k: tuple(v) for k, v in related.items()}


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
