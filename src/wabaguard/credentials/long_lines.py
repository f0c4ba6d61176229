"""The engine's path for lines over ``LONG_LINE`` (minified code, data blobs): bounded work
per gate hit, exact columns, and windows that are what the detectors see."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any

from wabaguard.credentials import sre_adapter as _sre
from wabaguard.credentials.detectors.base import Match
from wabaguard.credentials.gates import Gate, casefolded, pattern_alternatives, run_length

# Lines longer than this are scanned in windows around gate hits.
LONG_LINE = 16 * 1024
WINDOW_REACH = 256  # characters either side of a gate hit that its window keeps
MAX_WINDOW = 4096


_Confirm = tuple[Callable[[str, int, int], "re.Match[str] | None"], int, int, int]
_LOOK_MARGIN = 32  # characters past a match's width for look-aheads at its end


def _reach(pattern: re.Pattern[str]) -> int:
    """How many characters from a gate hit a match of ``pattern`` can end: its greatest
    width (plus room for look-arounds), or the window reach for unbounded patterns."""
    widest = _sre.max_width(_sre.parse(pattern))
    return min(widest + _LOOK_MARGIN, WINDOW_REACH)


def _run_stretch(pattern: re.Pattern[str], run: int) -> tuple[int, int, int] | None:
    r"""For a pattern that is one sequence holding a stretch of at least ``run`` characters
    of ``[\w-]`` (the stretch a run gate hit stands for): how far before and after that
    run its matches can reach, and the stretch's least length (a shorter run cannot hold
    it). None for other shapes (their reach is used instead)."""
    parsed = _sre.parse(pattern)
    ignorecase = bool(pattern.flags & re.IGNORECASE)
    alternatives = list(pattern_alternatives(_sre.nodes(parsed), ignorecase))
    if len(alternatives) != 1:
        return None
    nodes = list(alternatives[0][0])

    def widest(part: list[Any]) -> int:
        return _sre.max_width(parsed, part)

    first = 0
    while first < len(nodes):
        last = first
        total = 0
        while last < len(nodes):
            _, length, whole = run_length([nodes[last]])
            if not whole:
                break
            total += length
            last += 1
        if total >= run:
            before, after = widest(nodes[:first]), widest(nodes[last:]) + _LOOK_MARGIN
            return None if max(before, after) > WINDOW_REACH else (before, after, total)
        first = last + 1
    return None


# Token characters ([\w-] on ASCII) as "a", everything else as " ".
_RUN_MARKS = bytes(
    ord("a") if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "_-") else ord(" ")
    for c in range(256)
)


def _ascii_runs(
    line: str, run: int, owners: frozenset[int]
) -> Iterator[tuple[int, int, frozenset[int]]]:
    """The run gate's hits on an ASCII line (every maximal run of at least ``run`` token
    characters), found with ``bytes.find`` over a marked copy: ten times faster than the
    gate's regex, which tries every position."""
    marks = line.encode("ascii").translate(_RUN_MARKS)
    needle = b"a" * run
    find = marks.find
    pos = 0
    # Searching from a non-token character (or the start), the first place with ``run``
    # token characters is where a maximal run starts.
    while (start := find(needle, pos)) >= 0:
        end = find(b" ", start + run)
        if end < 0:
            end = len(marks)
        yield start, end, owners
        pos = end


def _windows(hits: list[tuple[int, int]], size: int) -> Iterator[tuple[int, int]]:
    """Windows of WINDOW_REACH either side of each hit, merged up to MAX_WINDOW."""
    start = end = -1
    for first, last in sorted(hits):
        lo = max(0, first - WINDOW_REACH)
        hi = min(size, min(last, first + MAX_WINDOW) + WINDOW_REACH)
        if start >= 0 and (lo > end or hi - start > MAX_WINDOW):
            yield start, end
            start = -1
        if start < 0:
            start = lo
        end = max(end, hi)
    if start >= 0:
        yield start, end


class LongLinePath:
    """How the engine scans one huge line: gate hits confirmed in place by their owners'
    exact prefilters, then each confirmed owner run in windows around its own hits.

    ``exact`` are the owners' exact prefilters (in the engine's owner order) and ``starts``
    says, per owner, whether its matches start where its literal gate hit is."""

    def __init__(
        self,
        gates: Sequence[Gate],
        own_gates: Sequence[Gate],
        exact: Sequence[re.Pattern[str]],
        starts: Sequence[bool],
    ) -> None:
        self.gates = tuple(gates)
        self._own_gates = tuple(own_gates)
        self._exact = tuple(exact)
        self._starts = tuple(starts)

    @cached_property
    def plans(self) -> dict[str, tuple[_Confirm, ...]]:
        """For lines over LONG_LINE (worked out on the first): per gate kind and owner, how
        to confirm a gate hit ``[start, end)`` with the owner's exact prefilter, as
        ``(match or search, before, after, least)``: over ``line[start - before : end + after]``,
        for a run hit at least ``least`` characters long.

        A literal hit is where the owner's matches start (unless its gate is a broader
        pattern than its prefilter); a run hit holds a stretch of its pattern, so the widths
        before and after that stretch bound the search; otherwise a match lies within its
        greatest width (its reach) either side of the hit."""
        run = next((g.run for g in self.gates if g.kind == "run"), 0)
        starts = self._starts
        literal: list[_Confirm] = []
        runs: list[_Confirm] = []
        around: list[_Confirm] = []
        for exact, starts_at_literal in zip(self._exact, starts, strict=True):
            reach = _reach(exact)
            around.append((exact.search, reach, reach, 0))
            literal.append((exact.match, 0, reach, 0) if starts_at_literal else around[-1])
            stretch = _run_stretch(exact, run) if run else None
            runs.append(around[-1] if stretch is None else (exact.search, *stretch))
        return {"literal": tuple(literal), "run": tuple(runs), "pattern": tuple(around)}

    def matches(
        self,
        line: str,
        with_builtins: bool,
        owner_matches: Callable[[int, str], list[Match]],
        whole_line: Callable[[], list[Match]],
    ) -> list[Match]:
        """Bounded work on a huge line (minified code): each gate hit is first confirmed in
        place by its owners' exact prefilters, within the reach of a match; only confirmed
        owners then run, each in windows around its own hits. Columns stay exact; a window
        is what the detectors and detect-secrets' line filters see."""
        confirmed: dict[int, list[tuple[int, int]]] = {}
        folded: str | None = None
        for gate in self.gates if with_builtins else self._own_gates:
            text = line
            if gate.casefold:
                folded = casefolded(line) if folded is None else folded
                if len(folded) != len(line):  # e.g. "ß" folds to "ss": positions would drift
                    return whole_line()
                text = folded
            checks = self.plans[gate.kind]
            capped = gate.kind == "run"
            hits = (
                _ascii_runs(line, gate.run, gate.owners)
                if capped and line.isascii()
                else gate.hits(text)
            )
            for start, end, who in hits:
                if capped and end - start > MAX_WINDOW:
                    end = start + MAX_WINDOW  # a huge run is looked at 4 KiB deep
                for owner in who:
                    confirm, before, after, least = checks[owner]
                    if end - start < least:
                        continue  # the run is too short to hold the owner's stretch
                    # re clamps a negative start and an end past the line by itself.
                    if confirm(line, start - before, end + after) is not None:
                        confirmed.setdefault(owner, []).append((start, end))
        found: dict[tuple[str, int, int], Match] = {}
        for owner in sorted(confirmed):  # declared order, as on a short line
            for lo, hi in _windows(confirmed[owner], len(line)):
                for m in owner_matches(owner, line[lo:hi]):
                    shifted = replace(m, start=m.start + lo, end=m.end + lo)
                    found.setdefault((m.rule.id, shifted.start, shifted.end), shifted)
        return list(found.values())
