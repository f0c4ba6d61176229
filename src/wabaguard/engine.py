"""Per-file scanning: one prefilter pass, then detectors on candidate lines only.

The prefilter is the union of every enabled detector's prefilter (each a proven superset of
the lines its detector can report). It runs once over a chunk of the file in C; only the
lines it hits go through our detectors and detect-secrets' full pipeline (its filters,
allowlist and plugins), so most lines of real code cost almost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from wabaguard import redact
from wabaguard.builtin import BUILTIN_PLUGINS, BuiltinPlugin, skips_file
from wabaguard.detectors.base import Detector, LineContext, Match
from wabaguard.findings import Finding, Kind, Rule, Severity, fingerprint

if TYPE_CHECKING:
    from wabaguard.config import Config

CONTEXT_RADIUS = 5  # detect-secrets' code snippets carry five lines either side
CHUNK_LINES = 4096

_IGNORE = re.compile(r"wabaguard:\s*ignore(?:\[([A-Za-z0-9_,\s-]*)\])?")


@dataclass
class FileState:
    """What one file's credential pass leaves for the workflow pass (redaction spans)."""

    spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # Raw secrets found in this file, so error messages about it can be scrubbed.
    secrets: set[str] = field(default_factory=set)


def ignored_rules(line: str) -> frozenset[str] | None:
    """Rules silenced by ``wabaguard: ignore[...]`` on this line; empty set means all."""
    match = _IGNORE.search(line)
    if match is None:
        return None
    if match.group(1) is None:
        return frozenset()
    return frozenset(r.strip() for r in match.group(1).split(",") if r.strip())


def is_ignored(line: str, rule: str) -> bool:
    rules = ignored_rules(line)
    return rules is not None and (not rules or rule in rules)


_GLOBAL_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")
_FLAG_LETTERS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))


def _scoped(pattern: re.Pattern[str] | str) -> str:
    """A pattern as a group that keeps its own flags, so patterns can be or-ed together."""
    if isinstance(pattern, str):
        return f"(?:{pattern})"
    source = pattern.pattern
    while (lead := _GLOBAL_FLAGS.match(source)) is not None:
        source = source[lead.end() :]  # global inline flags are carried by pattern.flags
    flags = "".join(letter for flag, letter in _FLAG_LETTERS if pattern.flags & flag)
    if pattern.flags & re.VERBOSE:
        source += "\n"  # a trailing comment must not swallow the closing parenthesis
    return f"(?{flags}:{source})" if flags else f"(?:{source})"


class Engine:
    """Scans text for credentials with our detectors and detect-secrets' plugins."""

    def __init__(
        self,
        config: Config,
        detectors: Sequence[Detector],
        builtins: Sequence[BuiltinPlugin] = BUILTIN_PLUGINS,
    ) -> None:
        self.config = config
        enabled = self._enabled
        self.detectors = tuple(d for d in detectors if any(enabled(r) for r in d.rules))
        self.builtins = tuple(
            b for b in builtins if enabled(b.rule) and (config.entropy or not b.generic)
        )
        self._builtin_filters = tuple(
            re.compile(b.prefilter) if b.prefilter is not None else None for b in self.builtins
        )
        self.every_line = any(b.prefilter is None for b in self.builtins)
        own = [_scoped(d.prefilter) for d in self.detectors]
        parts = own + [_scoped(b.prefilter) for b in self.builtins if b.prefilter is not None]
        self.prefilter: re.Pattern[str] | None = re.compile("|".join(parts)) if parts else None
        # For files detect-secrets' own file filters skip (images, lock files, swagger).
        self._own_prefilter: re.Pattern[str] | None = (
            re.compile("|".join(own)) if own else None
        )
        self._ds: Any = None  # the detect-secrets pipeline, imported on first candidate line

    def _enabled(self, rule: Rule) -> bool:
        return rule.id not in self.config.disable

    def severity_of(self, rule: Rule) -> Severity:
        return self.config.severity.get(rule.id, rule.severity)

    # -- scanning ---------------------------------------------------------------------------

    def scan_lines(self, path: str, lines: Iterable[str], state: FileState) -> Iterator[Finding]:
        """Scan a file's lines (without line endings), streamed in chunks."""
        with_builtins = bool(self.builtins) and not skips_file(path)
        prefilter = self.prefilter if with_builtins else self._own_prefilter
        every_line = self.every_line and with_builtins
        if prefilter is None and not every_line:
            return
        occurrences: dict[tuple[str, str], int] = {}
        it = iter(lines)
        before: list[str] = []
        chunk = list(islice(it, CHUNK_LINES))
        first_lineno = 1
        while chunk:
            following = list(islice(it, CHUNK_LINES))
            window = before + chunk + following[:CONTEXT_RADIUS]
            offset = len(before)
            hits = range(len(chunk)) if every_line or prefilter is None else _candidates(
                prefilter, chunk)
            for index in hits:
                yield from self._scan_candidate(
                    path, window, offset + index, first_lineno + index, state, occurrences,
                    with_builtins,
                )
            first_lineno += len(chunk)
            before = chunk[-CONTEXT_RADIUS:]
            chunk = following

    def _scan_candidate(
        self,
        path: str,
        window: list[str],
        index: int,
        lineno: int,
        state: FileState,
        occurrences: dict[tuple[str, str], int],
        with_builtins: bool = True,
    ) -> Iterator[Finding]:
        line = window[index]
        context = LineContext(window, index, path)
        matches: list[Match] = []
        for detector in self.detectors:
            if detector.prefilter.search(line):
                matches.extend(
                    m for m in detector.scan_line(line, context) if self._enabled(m.rule)
                )
        if with_builtins:
            matches.extend(self._builtin_matches(path, window, index, line))
        if not matches:
            return
        kept = _drop_overlaps(matches)
        if any(m.rule.kind is Kind.CREDENTIAL for m in kept) and self._allowlisted(
            path, window, index, lineno
        ):
            return
        spans = [(m.start, m.end) for m in kept]
        state.spans.setdefault(lineno, []).extend(spans)
        snippet = redact.redact_line(line, spans)
        for match in kept:
            state.secrets.add(match.secret)
            if is_ignored(line, match.rule.id):
                continue
            yield self._finding(path, lineno, match, snippet, occurrences)

    def _finding(
        self,
        path: str,
        lineno: int,
        match: Match,
        snippet: str,
        occurrences: dict[tuple[str, str], int],
    ) -> Finding:
        rule = match.rule
        digest = redact.secret_hash(match.baseline_secret or match.secret)
        key = (rule.id, digest)
        nth = occurrences.get(key, 0)
        occurrences[key] = nth + 1
        what = f"{rule.title} {redact.describe(match.secret)}"
        if match.detail:
            what = f"{what} {match.detail}"
        return Finding(
            rule=rule.id,
            title=rule.title,
            severity=self.severity_of(rule),
            confidence=rule.confidence,
            path=path,
            line=lineno,
            column=match.start + 1,
            end_line=lineno,
            end_column=match.end + 1,
            message=f"{what}. {rule.fix}",
            snippet=snippet,
            fingerprint=fingerprint(rule.id, path, f"{digest}#{nth}"),
            help_uri=rule.help_uri,
            secret_hash=digest,
            secret_type=rule.secret_type,
            kind=rule.kind,
        )

    # -- detect-secrets ---------------------------------------------------------------------

    def _builtin_matches(self, path: str, window: list[str], index: int, line: str) -> list[Match]:
        wanted = [
            b
            for b, rx in zip(self.builtins, self._builtin_filters, strict=True)
            if rx is None or rx.search(line)
        ]
        if not wanted:
            return []
        found: list[Match] = self._pipeline().scan(path, window, index, line, wanted)
        return found

    def _pipeline(self) -> Any:
        if self._ds is None:
            from wabaguard.ds_pipeline import DetectSecretsPipeline

            self._ds = DetectSecretsPipeline(self.builtins)
        return self._ds

    def _allowlisted(self, path: str, window: list[str], index: int, lineno: int) -> bool:
        line = window[index]
        previous = window[index - 1] if index > 0 else ""
        if "allowlist" not in line and "allowlist" not in previous:
            return False  # the cheap check first: no pragma anywhere near
        return bool(self._pipeline().is_allowlisted(path, window, index))


def _candidates(prefilter: re.Pattern[str], chunk: list[str]) -> Iterator[int]:
    """Indexes of the lines in ``chunk`` on which ``prefilter`` finds something.

    One search over the whole chunk in C; prefilters never match a newline (a test proves
    it), so each hit belongs to exactly one line. After a hit, jump to the next line.
    """
    text = "\n".join(chunk)
    search = prefilter.search
    count = text.count
    find = text.find
    index = 0
    pos = 0
    while True:
        match = search(text, pos)
        if match is None:
            return
        start = match.start()
        index += count("\n", pos, start)
        yield index
        pos = find("\n", start) + 1
        if pos == 0:
            return
        index += 1


def _drop_overlaps(matches: list[Match]) -> list[Match]:
    """Our detectors run first and are the most specific: where two of theirs overlap, keep
    the first; drop detect-secrets matches that overlap one of theirs.

    detect-secrets' plugins keep every match among themselves, as detect-secrets does (a JWT
    that also looks like a Discord token is reported by both there too).
    """
    own: list[Match] = []
    builtin: list[Match] = []
    for match in matches:
        if _is_builtin(match):
            builtin.append(match)
        elif not any(match.start < k.end and k.start < match.end for k in own):
            own.append(match)
    if not own:
        return builtin
    return own + [
        m for m in builtin if not any(m.start < k.end and k.start < m.end for k in own)
    ]


_BUILTIN_RULE_IDS = frozenset(b.rule.id for b in BUILTIN_PLUGINS)


def _is_builtin(match: Match) -> bool:
    return match.rule.id in _BUILTIN_RULE_IDS
