"""Per-file scanning: one prefilter pass, then detectors on candidate lines only.

The prefilter is the union of every enabled detector's prefilter (each a proven superset of
the lines its detector can report). It runs once over a chunk of the file in C; only the
lines it hits go through our detectors and detect-secrets' full pipeline (its filters,
allowlist and plugins), so most lines of real code cost almost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, Final

from wabaguard.core import redact
from wabaguard.core.builder import Draft
from wabaguard.core.findings import Confidence
from wabaguard.credentials.builtin import BUILTIN_PLUGINS, BuiltinPlugin, skips_file
from wabaguard.credentials.detectors import examples
from wabaguard.credentials.detectors.base import Detector, LineContext, Match
from wabaguard.credentials.ds_bridge import DetectSecretsBridge
from wabaguard.credentials.gates import (
    build_gates,
    candidate_owners,
    casefolded,
    scoped,
)
from wabaguard.credentials.long_lines import LONG_LINE, LongLinePath

if TYPE_CHECKING:
    from wabaguard.core.builder import FileFindings
    from wabaguard.core.config import Config

CONTEXT_RADIUS = 5  # detect-secrets' code snippets carry five lines either side
CHUNK_LINES = 4096
# A plugin's own value (what detect-secrets hashes) is masked by value too when it is this
# long; shorter ones (GitHub's plugin captures just ``ghp``) are covered by the token's span.
_MASKED_PLUGIN_VALUE = 6
_VALUE_DELIMITERS = " \t\"'`=:,;"


class Engine:
    """Scans text for credentials with our detectors and detect-secrets' plugins."""

    def __init__(
        self,
        config: Config,
        detectors: Sequence[Detector],
        builtins: Sequence[BuiltinPlugin] = BUILTIN_PLUGINS,
    ) -> None:
        self.config = config
        # Disabled rules run too: a value they find is masked in every snippet of the file,
        # whichever rule reports there (the finding constructor drops their own findings).
        self.detectors = tuple(detectors)
        self.builtins = tuple(b for b in builtins if config.entropy or not b.generic)
        self._ds = DetectSecretsBridge(self.builtins)
        self.every_line = any(b.prefilter is None for b in self.builtins)
        own = [scoped(d.prefilter) for d in self.detectors]
        parts = own + [scoped(b.prefilter) for b in self.builtins if b.prefilter is not None]
        self.prefilter: re.Pattern[str] | None = re.compile("|".join(parts)) if parts else None
        # The fast first stage: a few cheap searches whose union is a superset of the union of
        # the prefilters (see ``build_gates``). The second stage is each prefilter on its line.
        own_patterns = [d.prefilter for d in self.detectors]
        # A detector (like a plugin) may name a broader but cheaper pattern for the gates.
        own_gated = [_gate(d) or d.prefilter for d in self.detectors]
        builtin_patterns = [
            re.compile(b.gate or b.prefilter) for b in self.builtins if b.prefilter is not None
        ]
        self.gates = build_gates(own_gated + builtin_patterns)
        self._owners: tuple[Detector | BuiltinPlugin, ...] = (
            *self.detectors,
            *(b for b in self.builtins if b.prefilter is not None),
        )
        # Whether the second stage confirms an owner with its prefilter before its scan: not
        # for a detector whose scan does that itself, after cheaper checks of its own.
        self._confirms = tuple(
            not getattr(owner, "confirms_prefilter", False) for owner in self._owners
        )
        # For files detect-secrets' own file filters skip (images, lock files, swagger).
        self._own_gates = build_gates(own_gated)
        self._exact = (
            *own_patterns,
            *(self._ds.prefilters[b.class_name] for b in self.builtins if b.prefilter is not None),
        )
        self._long = LongLinePath(
            self.gates,
            self._own_gates,
            self._exact,
            (
                *(_gate(d) is None for d in self.detectors),
                *(b.gate is None for b in self.builtins if b.prefilter is not None),
            ),
        )

    # -- scanning ---------------------------------------------------------------------------

    def scan_lines(
        self, path: str, lines: Iterable[str], sink: FileFindings, first_line: int = 1
    ) -> None:
        """Scan a file's lines (without line endings), streamed in chunks; every match
        goes to ``sink`` (the file's finding constructor) as it is found.

        ``first_line``: the line number of the first of ``lines``, for a part of a file (the
        lines a commit added, in the history scan) scanned as if it were at that place."""
        with_builtins = bool(self.builtins) and not skips_file(path)
        gates = self.gates if with_builtins else self._own_gates
        every_line = self.every_line and with_builtins
        if not gates and not every_line:
            return
        it = iter(lines)
        before: list[str] = []
        chunk = list(islice(it, CHUNK_LINES))
        first_lineno = first_line
        while chunk:
            following = list(islice(it, CHUNK_LINES))
            window = before + chunk + following[:CONTEXT_RADIUS]
            offset = len(before)
            hits: Iterable[tuple[int, set[int] | None]] = (
                ((index, None) for index in range(len(chunk)))
                if every_line
                else candidate_owners(gates, chunk)
            )
            for index, owners in hits:
                self._scan_candidate(
                    path, window, offset + index, first_lineno + index, sink, with_builtins, owners
                )
            first_lineno += len(chunk)
            before = chunk[-CONTEXT_RADIUS:]
            chunk = following

    def scan_parts(self, parts: Sequence[tuple[str, int, list[str], FileFindings]]) -> None:
        """Scan many short runs of lines (``(path, first line, lines, sink)``: the hunks of
        a history's changes) as ``scan_lines`` scans each, with one first-stage pass over
        all of them instead of one per run. Context windows stay within each run."""
        batch: list[tuple[str, int, list[str], FileFindings]] = []
        size = 0
        for part in parts:
            lines = part[2]
            if len(lines) > CHUNK_LINES or self.every_line or skips_file(part[0]):
                self.scan_lines(part[0], lines, part[3], first_line=part[1])
                continue
            if size + len(lines) > CHUNK_LINES:
                self._scan_batch(batch)
                batch, size = [], 0
            batch.append(part)
            size += len(lines)
        if batch:
            self._scan_batch(batch)

    def _scan_batch(self, batch: list[tuple[str, int, list[str], FileFindings]]) -> None:
        joined: list[str] = []
        starts: list[int] = []
        for _path, _first, lines, _sink in batch:
            starts.append(len(joined))
            joined.extend(lines)
        part = 0
        for index, owners in candidate_owners(self.gates, joined):
            while part + 1 < len(starts) and starts[part + 1] <= index:
                part += 1
            path, first, lines, sink = batch[part]
            local = index - starts[part]
            self._scan_candidate(path, lines, local, first + local, sink, True, owners)

    def _scan_candidate(
        self,
        path: str,
        window: list[str],
        index: int,
        lineno: int,
        sink: FileFindings,
        with_builtins: bool = True,
        owners: set[int] | None = None,
    ) -> None:
        line = window[index]
        if len(line) > LONG_LINE:
            matches = self._long_line_matches(path, line, with_builtins)
        else:
            matches = self._line_matches(path, window, index, with_builtins, owners)
        if not matches:
            return
        allowlisted = self._allowlisted(path, window, index)
        context = LineContext(window, index, path)
        for match in matches:
            sink.add_secret(match.secret)
            # Some plugins capture the quote or blank around a value: not part of it.
            value = match.baseline_secret.strip(_VALUE_DELIMITERS)
            if len(value) >= _MASKED_PLUGIN_VALUE:
                sink.add_secret(value)
            confidence = _example_confidence(match, line, context)
            if confidence is _EXAMPLE_VALUE:
                continue  # masked all the same, never reported
            sink.add(
                Draft(
                    match.rule,
                    lineno,
                    match.start + 1,
                    lineno,
                    match.end + 1,
                    detail=match.detail,
                    identity=redact.secret_hash(match.baseline_secret or match.secret),
                    secret=match.secret,
                    secret_hash=redact.secret_hash(match.baseline_secret or match.secret),
                    confidence=confidence,
                    allowlisted=allowlisted,
                    properties=match.properties,
                ),
                line,
            )

    def _line_matches(
        self,
        path: str,
        window: list[str],
        index: int,
        with_builtins: bool,
        hit: set[int] | None = None,
    ) -> list[Match]:
        """``hit``: the owners the first stage found on the line (None: search it again)."""
        line = window[index]
        owners = self._line_owners(line) if hit is None else sorted(hit)
        context = LineContext(window, index, path)
        matches: list[Match] = []
        confirms = self._confirms
        for owner in owners:
            check = self._owners[owner]
            if isinstance(check, BuiltinPlugin):
                continue
            if not confirms[owner] or check.prefilter.search(line):
                matches.extend(check.scan_line(line, context))
        if with_builtins:
            matches.extend(self._builtin_matches(path, window, index, line, owners))
        return matches

    def _line_owners(self, line: str) -> list[int]:
        """The detectors and plugins (indexes into ``_owners``) a gate hit on ``line`` stands
        for, in their declared order: the others' prefilters cannot match it."""
        found: set[int] = set()
        folded: str | None = None
        for gate in self.gates:
            if gate.casefold:
                folded = casefolded(line) if folded is None else folded
                text = folded
            else:
                text = line
            for _start, _end, who in gate.hits(text):
                found |= who
        return sorted(found)

    def _long_line_matches(self, path: str, line: str, with_builtins: bool) -> list[Match]:
        return self._long.matches(
            line,
            with_builtins,
            lambda owner, text: self._owner_matches(owner, path, text),
            lambda: self._line_matches(path, [line], 0, with_builtins),
        )

    def _owner_matches(self, owner: int, path: str, text: str) -> list[Match]:
        check = self._owners[owner]
        if isinstance(check, BuiltinPlugin):
            return self._ds.scan_window(path, text, check)
        return list(check.scan_line(text, LineContext([text], 0, path)))

    def warm_up(self) -> None:
        """Build now what the first candidate line would (detect-secrets' pipeline, the
        long-line plans), so processes forked from this one share it instead of each
        building its own."""
        if self.builtins:
            self._ds.pipeline()
        _ = self._long.plans

    # -- detect-secrets ---------------------------------------------------------------------

    def _builtin_matches(
        self,
        path: str,
        window: list[str],
        index: int,
        line: str,
        owners: Sequence[int] | None = None,
    ) -> list[Match]:
        if owners is None:
            candidates = list(self.builtins)
        else:  # the hits' plugins, and any plugin without a prefilter (every line)
            candidates = [b for o in owners if isinstance(b := self._owners[o], BuiltinPlugin)]
            candidates += [b for b in self.builtins if b.prefilter is None]
        return self._ds.matches(path, window, index, line, candidates)

    def _allowlisted(self, path: str, window: list[str], index: int) -> bool:
        return self._ds.is_allowlisted(path, window, index)


def _gate(detector: Detector) -> re.Pattern[str] | None:
    gate: re.Pattern[str] | None = getattr(detector, "gate", None)
    return gate


_EXAMPLE_VALUE: Final = object()


def _example_confidence(match: Match, line: str, context: LineContext) -> Any:
    """The match's confidence, LOW in an example context, or ``_EXAMPLE_VALUE`` for a
    published or obvious example value (``detectors/examples.py`` decides both)."""
    value = match.secret
    if examples.example_value(match.rule.id, value, line, context.following(5)):
        return _EXAMPLE_VALUE
    if examples.example_context(context.path, line, context.previous(2)):
        return Confidence.LOW
    return match.confidence
