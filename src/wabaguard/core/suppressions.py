"""``wabaguard: ignore[...]`` suppression comments, parsed strictly, in one place.

The grammar, in any comment syntax (``#``, ``//``, ``<!-- -->``, ``;``...):

    wabaguard: ignore                   every rule on this line
    wabaguard: ignore[rule-a,rule-b]    only these rules (spaces after commas allowed)

Anything else that starts like a pragma (``wabaguard: ignore [x]`` with a space, ``ignore[]``,
an unclosed ``ignore[x``, ``ignore-next-line``, ``ignored``) or names an unknown rule id
suppresses nothing and is reported as an ``invalid-suppression`` finding, so a typo never
silences a rule by accident.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from wabaguard.core.findings import Confidence, Kind, Rule, Severity

INVALID_SUPPRESSION = Rule(
    "invalid-suppression",
    "Malformed or unknown wabaguard suppression comment",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Write `wabaguard: ignore[rule-id]` with ids from `wabaguard rules`, or remove the comment",
    kind=Kind.SUPPRESSION,
)

# Where a pragma may start: the marker, then the directive.
_MARKER = re.compile(r"wabaguard:[ \t]*ignore")
_RULE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class Pragma:
    """The suppression comment of one line: which rules it silences, or what is wrong."""

    __slots__ = ("column", "problem", "rules")

    def __init__(self, rules: frozenset[str] | None, problem: str, column: int) -> None:
        # None: every rule. Empty with a problem: nothing (the comment is invalid).
        self.rules: Final = rules
        self.problem: Final = problem
        self.column: Final = column  # 0-based offset of the marker

    def silences(self, rule_id: str) -> bool:
        if self.problem:
            return False
        return self.rules is None or rule_id in self.rules


def parse_pragma(line: str, known: Callable[[], frozenset[str]]) -> Pragma | None:
    """The line's suppression comment, or None when it has none.

    ``known`` lists every rule id; it is called only when the comment names rules.
    """
    if "wabaguard:" not in line:  # the cheap check: almost every line
        return None
    marker = _MARKER.search(line)
    if marker is None:
        return None
    start, rest = marker.start(), marker.end()
    if line.startswith("[", rest):
        close = line.find("]", rest)
        if close < 0:
            return Pragma(frozenset(), "`ignore[` is never closed", start)
        ids = [part.strip() for part in line[rest + 1 : close].split(",")]
        if ids == [""]:
            return Pragma(frozenset(), "`ignore[]` names no rule", start)
        malformed = [i for i in ids if not _RULE_ID.fullmatch(i)]
        if malformed:
            shown = ", ".join(repr(_shorten(i)) for i in malformed)
            return Pragma(frozenset(), f"not a rule id: {shown}", start)
        unknown = sorted(set(ids) - known())
        if unknown:
            return Pragma(frozenset(), f"unknown rule id(s) {', '.join(unknown)}", start)
        return Pragma(frozenset(ids), "", start)
    after = line[rest:]
    if after.startswith("-->"):  # the end of an HTML comment
        return Pragma(None, "", start)
    if after[:1].isalnum() or after[:1] in ("_", "-"):
        word = re.match(r"[\w-]*", after)
        shown = "ignore" + (word.group() if word else "")
        return Pragma(frozenset(), f"`{_shorten(shown)}` is not a wabaguard directive", start)
    if after.lstrip(" \t").startswith("[") and after[:1] in (" ", "\t"):
        return Pragma(frozenset(), "a space between `ignore` and `[`", start)
    return Pragma(None, "", start)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def blank_pragma(line: str) -> str:
    """The line with its suppression comment replaced by spaces (columns unchanged), so that
    detect-secrets' heuristics do not read ``ignore[x]`` as code."""
    marker = _MARKER.search(line) if "wabaguard:" in line else None
    if marker is None:
        return line
    end = marker.end()
    if line.startswith("[", end):
        close = line.find("]", end)
        end = close + 1 if close >= 0 else len(line)
    return line[: marker.start()] + " " * (end - marker.start()) + line[end:]
