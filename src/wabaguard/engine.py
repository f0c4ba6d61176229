"""Per-file scanning: one prefilter pass, then detectors on candidate lines only.

The prefilter is the union of every enabled detector's prefilter (each a proven superset of
the lines its detector can report). It runs once over a chunk of the file in C; only the
lines it hits go through our detectors and detect-secrets' full pipeline (its filters,
allowlist and plugins), so most lines of real code cost almost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Any, Final

from wabaguard import redact
from wabaguard import sre_adapter as _sre
from wabaguard.builder import Draft
from wabaguard.builtin import BUILTIN_PLUGINS, BuiltinPlugin, skips_file
from wabaguard.detectors import examples
from wabaguard.detectors.base import Detector, LineContext, Match
from wabaguard.findings import Confidence

if TYPE_CHECKING:
    from wabaguard.builder import FileFindings
    from wabaguard.config import Config

CONTEXT_RADIUS = 5  # detect-secrets' code snippets carry five lines either side
CHUNK_LINES = 4096
# Lines longer than this (minified code, data blobs) are scanned in windows around gate hits.
LONG_LINE = 16 * 1024
# A plugin's own value (what detect-secrets hashes) is masked by value too when it is this
# long; shorter ones (GitHub's plugin captures just ``ghp``) are covered by the token's span.
_MASKED_PLUGIN_VALUE = 6
_VALUE_DELIMITERS = " \t\"'`=:,;"
WINDOW_REACH = 256  # characters either side of a gate hit that its window keeps
MAX_WINDOW = 4096

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
        # Disabled rules run too: a value they find is masked in every snippet of the file,
        # whichever rule reports there (the finding constructor drops their own findings).
        self.detectors = tuple(detectors)
        self.builtins = tuple(b for b in builtins if config.entropy or not b.generic)
        self._builtin_filters = tuple(
            re.compile(b.prefilter) if b.prefilter is not None else None for b in self.builtins
        )
        self.every_line = any(b.prefilter is None for b in self.builtins)
        self._builtin_regex = {
            b.class_name: rx
            for b, rx in zip(self.builtins, self._builtin_filters, strict=True)
            if rx is not None
        }
        own = [_scoped(d.prefilter) for d in self.detectors]
        parts = own + [_scoped(b.prefilter) for b in self.builtins if b.prefilter is not None]
        self.prefilter: re.Pattern[str] | None = re.compile("|".join(parts)) if parts else None
        # The fast first stage: a few cheap searches whose union is a superset of the union of
        # the prefilters (see ``build_gates``). The second stage is each prefilter on its line.
        own_patterns = [d.prefilter for d in self.detectors]
        builtin_patterns = [
            re.compile(b.gate or b.prefilter) for b in self.builtins if b.prefilter is not None
        ]
        self.gates = build_gates(own_patterns + builtin_patterns)
        self._owners: tuple[Detector | BuiltinPlugin, ...] = (
            *self.detectors,
            *(b for b in self.builtins if b.prefilter is not None),
        )
        # For files detect-secrets' own file filters skip (images, lock files, swagger).
        self._own_gates = build_gates(own_patterns)
        self._exact = (
            *own_patterns,
            *(self._builtin_regex[b.class_name] for b in self.builtins if b.prefilter is not None),
        )
        self._ds: Any = None  # the detect-secrets pipeline, imported on first candidate line

    @cached_property
    def _confirm_plans(self) -> dict[str, tuple[_Confirm, ...]]:
        """For lines over LONG_LINE (worked out on the first): per gate kind and owner, how
        to confirm a gate hit ``[start, end)`` with the owner's exact prefilter, as
        ``(match or search, before, after, least)``: over ``line[start - before : end + after]``,
        for a run hit at least ``least`` characters long.

        A literal hit is where the owner's matches start (unless its gate is a broader
        pattern than its prefilter); a run hit holds a stretch of its pattern, so the widths
        before and after that stretch bound the search; otherwise a match lies within its
        greatest width (its reach) either side of the hit."""
        run = next((g.run for g in self.gates if g.kind == "run"), 0)
        starts = (
            *(True for _ in self.detectors),
            *(b.gate is None for b in self.builtins if b.prefilter is not None),
        )
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

    # -- scanning ---------------------------------------------------------------------------

    def scan_lines(self, path: str, lines: Iterable[str], sink: FileFindings) -> None:
        """Scan a file's lines (without line endings), streamed in chunks; every match
        goes to ``sink`` (the file's finding constructor) as it is found."""
        with_builtins = bool(self.builtins) and not skips_file(path)
        gates = self.gates if with_builtins else self._own_gates
        every_line = self.every_line and with_builtins
        if not gates and not every_line:
            return
        it = iter(lines)
        before: list[str] = []
        chunk = list(islice(it, CHUNK_LINES))
        first_lineno = 1
        while chunk:
            following = list(islice(it, CHUNK_LINES))
            window = before + chunk + following[:CONTEXT_RADIUS]
            offset = len(before)
            hits = range(len(chunk)) if every_line else candidate_lines(gates, chunk)
            for index in hits:
                self._scan_candidate(
                    path, window, offset + index, first_lineno + index, sink, with_builtins
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
        sink: FileFindings,
        with_builtins: bool = True,
    ) -> None:
        line = window[index]
        if len(line) > LONG_LINE:
            matches = self._long_line_matches(path, line, with_builtins)
        else:
            matches = self._line_matches(path, window, index, with_builtins)
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
                ),
                line,
            )

    def _line_matches(
        self, path: str, window: list[str], index: int, with_builtins: bool
    ) -> list[Match]:
        line = window[index]
        owners = self._line_owners(line)
        context = LineContext(window, index, path)
        matches: list[Match] = []
        for owner in owners:
            check = self._owners[owner]
            if isinstance(check, BuiltinPlugin):
                continue
            if check.prefilter.search(line):
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
                folded = _folded(line) if folded is None else folded
                text = folded
            else:
                text = line
            for _start, _end, who in gate.hits(text):
                found |= who
        return sorted(found)

    def _long_line_matches(self, path: str, line: str, with_builtins: bool) -> list[Match]:
        """Bounded work on a huge line (minified code): each gate hit is first confirmed in
        place by its owners' exact prefilters, within the reach of a match; only confirmed
        owners then run, each in windows around its own hits. Columns stay exact; a window
        is what the detectors and detect-secrets' line filters see."""
        confirmed: dict[int, list[tuple[int, int]]] = {}
        folded: str | None = None
        for gate in self.gates if with_builtins else self._own_gates:
            text = line
            if gate.casefold:
                folded = _folded(line) if folded is None else folded
                if len(folded) != len(line):  # e.g. "ß" folds to "ss": positions would drift
                    return self._line_matches(path, [line], 0, with_builtins)
                text = folded
            checks = self._confirm_plans[gate.kind]
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
                for m in self._owner_matches(owner, path, line[lo:hi]):
                    shifted = replace(m, start=m.start + lo, end=m.end + lo)
                    found.setdefault((m.rule.id, shifted.start, shifted.end), shifted)
        return list(found.values())

    def _owner_matches(self, owner: int, path: str, text: str) -> list[Match]:
        check = self._owners[owner]
        if isinstance(check, BuiltinPlugin):
            found: list[Match] = self._pipeline().scan(path, [text], 0, text, [check])
            return found
        return list(check.scan_line(text, LineContext([text], 0, path)))

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
        wanted = [
            b
            for b in candidates
            if (rx := self._builtin_regex.get(b.class_name)) is None or rx.search(line)
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

    def _allowlisted(self, path: str, window: list[str], index: int) -> bool:
        line = window[index]
        previous = window[index - 1] if index > 0 else ""
        if "allowlist" not in line and "allowlist" not in previous:
            return False  # the cheap check first: no pragma anywhere near
        return bool(self._pipeline().is_allowlisted(path, window, index))


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


# -- the first stage: cheap gates --------------------------------------------------------------
#
# Python's ``re`` has no multi-pattern search: an alternation of 40 prefilters costs the sum of
# their searches at every position (about 3 MB/s). Most prefilters need either a literal
# (``AccountKey=``, ``xox``, ``token`` in any case) or a long run of token characters (a
# 44-character key). So each alternative of each prefilter is reduced, by reading its parsed
# form, to the cheapest necessary condition among:
#   * a case-sensitive literal prefix -> one alternation of literals (a trie), fast in C;
#   * a case-insensitive ASCII literal prefix -> the same, over the case-folded chunk;
#   * a guaranteed run of N characters of [\w-] -> one run search, anchored at run starts;
#   * none of these -> the whole prefilter, searched as it is.
# A line that matches a prefilter therefore passes at least one gate; the engine then runs
# the exact prefilters on the (few) lines that passed. Tests check the superset property.

_MIN_LITERAL = 3  # shorter literal prefixes only when no long run is guaranteed
_MIN_RUN = 20
_MAX_EXPANSION = 32
_RUN_CHAR = re.compile(r"[\w-]")
# Under IGNORECASE Python's re also matches U+0130 and U+0131 for "i"; casefold() would not
# bring them to "i". (U+212A KELVIN SIGN and U+017F LONG S casefold to "k" and "s".)
_DOTTED_I = str.maketrans({"\u0130": "i", "\u0131": "i"})


@dataclass(frozen=True)
class Gate:
    pattern: re.Pattern[str]
    casefold: bool = False  # search the case-folded text
    # Which of the patterns given to ``build_gates`` a hit can stand for: per matched
    # literal for the literal gates, else all of them.
    owners: frozenset[int] = frozenset()
    literal_owners: dict[str, frozenset[int]] = field(default_factory=dict)
    # "literal": a hit is where a match of its owners starts; "run": a hit is a whole run of
    # token characters that holds the guaranteed run of its owners' matches; "pattern": a hit
    # is a match of the owner's (gate) pattern itself.
    kind: str = "pattern"
    run: int = 0  # run gates: the guaranteed run length they look for

    def hits(self, text: str) -> Iterator[tuple[int, int, frozenset[int]]]:
        """(start, end, owners) of every place this gate finds something in ``text``."""
        if self.kind != "literal":
            for m in self.pattern.finditer(text):
                yield m.start(), m.end(), self.owners
            return
        # One search per hit, the next from the position after the hit's start: every
        # literal is reported, overlapping ones too ("awsecret" holds "secret"), and the trie
        # keeps re's fast first-character scan (a look-ahead finder costs 2.5 times as much).
        owners = self.literal_owners
        search = self.pattern.search
        pos = 0
        while (found := search(text, pos)) is not None:
            start = found.start()
            yield start, found.end(), owners.get(found.group(), self.owners)
            pos = start + 1


def _is_run_atom(op: Any, av: Any) -> bool:
    if op is _sre.LITERAL:
        return bool(_RUN_CHAR.match(chr(av)))
    if op is not _sre.IN:
        return False
    for item_op, item in av:
        if item_op is _sre.LITERAL:
            if not _RUN_CHAR.match(chr(item)):
                return False
        elif item_op is _sre.RANGE:
            lo, hi = item
            if hi - lo > 0x3000 or not all(_RUN_CHAR.match(chr(c)) for c in range(lo, hi + 1)):
                return False
        elif item_op is _sre.CATEGORY:
            if item not in (_sre.CATEGORY_WORD, _sre.CATEGORY_DIGIT):
                return False
        else:  # NEGATE and anything else
            return False
    return True


_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)


def _run_length(nodes: Any) -> tuple[int, int, bool]:
    r"""(longest run of [\w-] every match contains, min length, whether all of it is run)."""
    best = cur = total = 0
    whole = True
    for op, av in nodes:
        if op in _ZERO_WIDTH:
            continue
        if _is_run_atom(op, av):
            cur += 1
            total += 1
            continue
        inner: tuple[int, int, bool] | None = None
        count = 1
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            count = av[0]
            inner = _run_length(av[2])
        elif op is _sre.SUBPATTERN:
            inner = _run_length(av[3])
        elif op is _sre.BRANCH:
            alts = [_run_length(alt) for alt in av[1]]
            inner = (min(a[0] for a in alts), min(a[1] for a in alts), all(a[2] for a in alts))
        if inner is not None and inner[2]:
            cur += inner[1] * count
            total += inner[1] * count
            continue
        whole = False
        best = max(best, cur, inner[0] if inner is not None and count else 0)
        cur = 0
    return max(best, cur), total, whole


def _expand(chars: list[str], prefixes: list[str]) -> list[str] | None:
    out = [p + c for p in prefixes for c in chars]
    return out if len(out) <= _MAX_EXPANSION else None


def _case_pair(av: Any) -> str | None:
    """The letter of a ``[Xx]`` class, lower-cased."""
    chars = {chr(c) for op, c in av if op is _sre.LITERAL}
    if len(chars) == 2 == len(av):
        low = min(chars).lower()
        if low.isascii() and low.isalpha() and chars == {low, low.upper()}:
            return low
    return None


def _literal_prefixes(
    nodes: Any,
    prefixes: list[str],
    ignorecase: bool,
) -> tuple[list[str], bool, bool]:
    """Literal prefixes every match starts with; whether ``nodes`` were all consumed; and
    whether case was ignored anywhere (then only the lower-cased prefixes are meaningful)."""
    folded = False
    for op, av in nodes:
        grown: list[str] | None = None
        if op in _ZERO_WIDTH:
            continue  # look-arounds and boundaries consume nothing
        if op is _sre.LITERAL:
            grown = [p + chr(av) for p in prefixes]
            folded |= ignorecase
        elif op is _sre.IN and all(item_op is _sre.LITERAL for item_op, _ in av):
            letter = _case_pair(av)
            if letter is not None:
                grown = [p + letter for p in prefixes]
                folded = True
            else:
                grown = _expand([chr(c) for _, c in av], prefixes)
                folded |= ignorecase
        elif op is _sre.SUBPATTERN:
            add, remove = av[1], av[2]
            inner_ci = (ignorecase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            inner, done, inner_folded = _literal_prefixes(av[3], prefixes, inner_ci)
            folded |= inner_folded
            if not done:
                return inner, False, folded
            grown = inner
        elif op is _sre.BRANCH:
            alternatives = [_literal_prefixes(alt, [""], ignorecase) for alt in av[1]]
            folded |= any(f for _, _, f in alternatives)
            grown = _expand(sorted({a for alt, _, _ in alternatives for a in alt}), prefixes)
            if grown is not None and not all(done for _, done, _ in alternatives):
                return grown, False, folded
        if grown is None:
            return prefixes, False, folded
        prefixes = grown
    return prefixes, True, folded


def _alternatives(nodes: Any, ignorecase: bool) -> Iterator[tuple[Any, bool]]:
    """Top-level alternatives, looking through flag-only groups, with their case mode."""
    if len(nodes) == 1:
        op, av = nodes[0]
        if op is _sre.BRANCH:
            for alt in av[1]:
                yield from _alternatives(alt, ignorecase)
            return
        if op is _sre.SUBPATTERN and av[0] is None:
            add, remove = av[1], av[2]
            inner = (ignorecase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            yield from _alternatives(av[3], inner)
            return
    yield nodes, ignorecase


def _trie(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, sharing prefixes (fewer branches per position)."""
    groups: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        groups.setdefault(word[0], []).append(word[1:])
    alts = []
    for first, rests in groups.items():
        if "" in rests:  # a shorter word already suffices for a search
            alts.append(re.escape(first))
        else:
            alts.append(re.escape(first) + _trie(rests))
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _literal_gate(literals: dict[str, set[int]], casefold: bool) -> Gate:
    owners: dict[str, set[int]] = {}
    for word, who in literals.items():
        # The trie stops at the shortest word: a hit on it stands for every longer word too.
        for kept in literals:
            if word.startswith(kept):
                owners.setdefault(kept, set()).update(who)
    return Gate(
        re.compile(_trie(literals)),
        casefold,
        frozenset().union(*literals.values()),
        {word: frozenset(who) for word, who in owners.items()},
        kind="literal",
    )


def build_gates(patterns: Sequence[re.Pattern[str]]) -> tuple[Gate, ...]:
    """Cheap searches whose hits include every line any of ``patterns`` matches."""
    sensitive: dict[str, set[int]] = {}
    folded: dict[str, set[int]] = {}
    run = 0
    run_owners: set[int] = set()
    rest: dict[str, set[int]] = {}
    for owner, pattern in enumerate(patterns):
        parsed = _sre.parse(pattern)
        for nodes, ignorecase in _alternatives(
            _sre.nodes(parsed), bool(pattern.flags & re.IGNORECASE)
        ):
            prefixes, _, fold = _literal_prefixes(nodes, [""], ignorecase)
            if fold:
                prefixes = [p.lower() for p in prefixes]
            shortest = min(len(p) for p in prefixes)
            # Folding is exact for ASCII only (re's special cases are i, k and s).
            usable = not fold or all(p.isascii() for p in prefixes)
            longest_run = _run_length(nodes)[0]
            target = folded if fold else sensitive
            if usable and shortest >= _MIN_LITERAL:
                for prefix in prefixes:
                    target.setdefault(prefix, set()).add(owner)
            elif longest_run >= _MIN_RUN:
                run = min(run, longest_run) if run else longest_run
                run_owners.add(owner)
            elif usable and shortest >= 2:
                for prefix in prefixes:
                    target.setdefault(prefix, set()).add(owner)
            else:
                rest.setdefault(_scoped(pattern), set()).add(owner)
                break  # the whole pattern is searched as it is
    gates: list[Gate] = []
    if sensitive:
        gates.append(_literal_gate(sensitive, casefold=False))
    if folded:
        gates.append(_literal_gate(folded, casefold=True))
    if run:
        # Anchored at the start of a run: inside a word the look-behind fails at once, so the
        # search is linear instead of retrying every position of every long identifier.
        # Greedy, so a hit spans the whole run (the long-line scan needs where it ends).
        gates.append(
            Gate(
                re.compile(rf"(?<![\w-])[\w-]{{{run},}}"),
                owners=frozenset(run_owners),
                kind="run",
                run=run,
            )
        )
    gates.extend(Gate(re.compile(source), owners=frozenset(who)) for source, who in rest.items())
    return tuple(gates)


def _folded(text: str) -> str:
    if "\u0130" in text or "\u0131" in text:
        text = text.translate(_DOTTED_I)
    return text.casefold()


def candidate_lines(gates: Sequence[Gate], chunk: list[str]) -> Iterable[int]:
    """Indexes of the lines of ``chunk`` that pass at least one gate, in order."""
    text = "\n".join(chunk)
    folded_text: str | None = None
    found: set[int] = set()
    for gate in gates:
        if gate.casefold:
            if folded_text is None:
                folded_text = _folded(text)
            found.update(_candidates(gate.pattern, folded_text))
        else:
            found.update(_candidates(gate.pattern, text))
    return sorted(found)


def _candidates(prefilter: re.Pattern[str], text: str) -> Iterator[int]:
    """Indexes of the lines of ``text`` (joined by newlines) where ``prefilter`` matches.

    One search over the whole chunk in C; prefilters never match a newline (a test proves
    it), so each hit belongs to exactly one line. After a hit, jump to the next line.
    """
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


# How a long line's gate hit is confirmed: (Pattern.match or .search, before, after, the
# least run length a run hit needs).
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
    alternatives = list(_alternatives(_sre.nodes(parsed), bool(pattern.flags & re.IGNORECASE)))
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
            _, length, whole = _run_length([nodes[last]])
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
