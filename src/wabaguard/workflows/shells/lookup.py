"""Where values come from in the PowerShell, cmd and Python analyses.

These families have no tree-sitter grammar: each tokenizes or parses the script itself, with
the ``${{ … }}`` expressions blanked out, and looks taint up here: the placeholders over a
span, a variable in the step's environment, every secret in scope.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from wabaguard.workflows.shells.facts import Placeholder
from wabaguard.workflows.taint import Taint, union


class Placeholders:
    def __init__(self, placeholders: Sequence[Placeholder]) -> None:
        self.items = sorted(placeholders, key=lambda p: p.start)
        self.starts = [p.start for p in self.items]

    def taint(self, start: int, end: int) -> Taint | None:
        out: Taint | None = None
        i = bisect.bisect_right(self.starts, end) - 1
        while i >= 0 and self.items[i].end > start:
            if self.items[i].taint is not None:
                out = union(out, self.items[i].taint.as_inline())  # type: ignore[union-attr]
            i -= 1
        return out


def blank_placeholders(script: str, placeholders: Sequence[Placeholder]) -> str:
    """``script`` with each ``${{ … }}`` turned into ``_`` (newlines kept): same offsets."""
    chars = list(script)
    for ph in placeholders:
        for i in range(ph.start, min(ph.end, len(chars))):
            if chars[i] != "\n":
                chars[i] = "_"
    return "".join(chars)


def env_lookup(env: Mapping[str, Taint], name: str, *, case_insensitive: bool) -> Taint | None:
    if name in env:
        return env[name]
    if case_insensitive:
        lowered = name.lower()
        for key, value in env.items():
            if key.lower() == lowered:
                return value
    return None


def in_scope(env: Mapping[str, Taint]) -> Taint | None:
    """Every registered secret in ``env`` (what an environment dump prints)."""
    out: Taint | None = None
    for name, taint in env.items():
        if not taint.minted and not taint.dump:
            out = union(out, Taint(frozenset({f"${name}"}) | taint.sources))
    return out
