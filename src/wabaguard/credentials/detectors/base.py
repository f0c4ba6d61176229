"""The interface every credential detector implements.

A detector owns one or more rules. The engine hands it only lines that match its
``prefilter`` (a proven superset of what ``scan_line`` can report), and turns each
``Match`` into a ``Finding``: columns, redacted snippet, fingerprint, suppressions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from wabaguard.core.findings import Confidence, Rule


@dataclass(frozen=True)
class Match:
    rule: Rule
    secret: str  # the raw value; only redact.py may render it
    start: int  # 0-based offset of the secret in the line
    end: int  # exclusive
    detail: str = ""  # non-secret detail for the message, e.g. "for Meta app 123456789012345"
    # The value detect-secrets hashes for baselines, when it differs from ``secret`` (some of
    # its plugins capture only part of a token, e.g. ``ghp`` of a GitHub token; its
    # ``is_potential_uuid`` filter drops any secret containing a UUID, so the Infobip rule
    # records the key's UUID-free 32-hex head).
    baseline_secret: str = ""
    # How sure this one report is, when less than its rule says (a Meta token that is
    # reported for its context, its structure not recognised). None: the rule's confidence.
    confidence: Confidence | None = None
    # Non-secret JSON facts the finding keeps (the account SID found beside a Twilio auth
    # token: the live check needs it).
    properties: Mapping[str, Any] = field(default_factory=dict)


# Per test: the last window it was worked out on, and the answer.
_WINDOWS: dict[Callable[[str], bool], tuple[Sequence[str], bool]] = {}


class LineContext:
    """Lazy access to the lines around the one being scanned (for context-gated rules)."""

    __slots__ = ("_index", "_lines", "path")

    def __init__(self, lines: Sequence[str], index: int, path: str) -> None:
        self._lines = lines
        self._index = index
        self.path = path

    def window_has(self, test: Callable[[str], bool]) -> bool:
        """``test`` on every line this context can reach, joined: False means no ``nearby``
        text (nor the line) passes a search-like ``test``. Worked out once per window (the
        engine's chunk or hunk), so a rule gated on its context pays once, not per line."""
        last = _WINDOWS.get(test)
        if last is not None and last[0] is self._lines:
            return last[1]
        found = test("\n".join(self._lines))
        _WINDOWS[test] = (self._lines, found)  # holds the window: ``is`` stays exact
        return found

    def nearby(self, radius: int = 5) -> str:
        lo = max(0, self._index - radius)
        return "\n".join(self._lines[lo : self._index + radius + 1])

    def previous(self, count: int = 1) -> Sequence[str]:
        return self._lines[max(0, self._index - count) : self._index]

    def following(self, count: int = 1) -> Sequence[str]:
        return self._lines[self._index + 1 : self._index + 1 + count]


class Detector(Protocol):
    rules: tuple[Rule, ...]
    prefilter: re.Pattern[str]

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]: ...
