"""The engine's first stage: a few cheap searches (gates) whose union is a superset of the
union of every detector's and plugin's prefilter, so that most lines cost one C-speed search."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from wabaguard.credentials import sre_adapter as _sre

_GLOBAL_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")
_FLAG_LETTERS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))


def scoped(pattern: re.Pattern[str] | str) -> str:
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


def run_length(nodes: Any) -> tuple[int, int, bool]:
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
            inner = run_length(av[2])
        elif op is _sre.SUBPATTERN:
            inner = run_length(av[3])
        elif op is _sre.BRANCH:
            alts = [run_length(alt) for alt in av[1]]
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


def pattern_alternatives(nodes: Any, ignorecase: bool) -> Iterator[tuple[Any, bool]]:
    """Top-level alternatives, looking through flag-only groups, with their case mode."""
    if len(nodes) == 1:
        op, av = nodes[0]
        if op is _sre.BRANCH:
            for alt in av[1]:
                yield from pattern_alternatives(alt, ignorecase)
            return
        if op is _sre.SUBPATTERN and av[0] is None:
            add, remove = av[1], av[2]
            inner = (ignorecase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            yield from pattern_alternatives(av[3], inner)
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
        for nodes, ignorecase in pattern_alternatives(
            _sre.nodes(parsed), bool(pattern.flags & re.IGNORECASE)
        ):
            prefixes, _, fold = _literal_prefixes(nodes, [""], ignorecase)
            if fold:
                prefixes = [p.lower() for p in prefixes]
            shortest = min(len(p) for p in prefixes)
            # Folding is exact for ASCII only (re's special cases are i, k and s).
            usable = not fold or all(p.isascii() for p in prefixes)
            longest_run = run_length(nodes)[0]
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
                rest.setdefault(scoped(pattern), set()).add(owner)
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


def casefolded(text: str) -> str:
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
                folded_text = casefolded(text)
            found.update(_candidates(gate.pattern, folded_text))
        else:
            found.update(_candidates(gate.pattern, text))
    return sorted(found)


def candidate_owners(gates: Sequence[Gate], chunk: list[str]) -> list[tuple[int, set[int]]]:
    """``(index, owners)`` of the lines of ``chunk`` that pass at least one gate, in order:
    the owners are the patterns the line's hits stand for (``Gate.owners``), so the second
    stage runs only those, without searching the line again."""
    text = "\n".join(chunk)
    folded_text: str | None = None
    found: dict[int, set[int]] = {}
    for gate in gates:
        if gate.casefold:
            if folded_text is None:
                folded_text = casefolded(text)
            _owners_by_line(gate, folded_text, found)
        else:
            _owners_by_line(gate, text, found)
    return sorted(found.items())


def _owners_by_line(gate: Gate, text: str, found: dict[int, set[int]]) -> None:
    # Hits come in order and never span a newline (gates never match one; a test proves it).
    count = text.count
    index = 0
    last = 0
    for start, _end, who in gate.hits(text):
        index += count("\n", last, start)
        last = start
        owners = found.get(index)
        if owners is None:
            found[index] = set(who)
        else:
            owners |= who


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
