"""The only module that renders anything derived from a raw secret.

Everything that leaves wabaguard (messages, snippets, JSON, SARIF, annotations, summaries,
baselines) carries at most a 4-character prefix and the length of a secret, or its hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

PREFIX_LEN = 4
MASK = "*"


def secret_hash(secret: str) -> str:
    """SHA-1 hex digest, exactly as detect-secrets stores ``hashed_secret``."""
    return hashlib.sha1(secret.encode("utf-8"), usedforsecurity=False).hexdigest()


def describe(secret: str) -> str:
    """A safe label for a secret: ``'EAAB…' (187 chars)``."""
    return f"'{prefix(secret)}…' ({len(secret)} chars)"


def prefix(secret: str) -> str:
    # Short secrets keep proportionally less: never more than a quarter of the value.
    keep = min(PREFIX_LEN, len(secret) // 4)
    return secret[:keep]


def mask(secret: str) -> str:
    """The value as it appears in a redacted snippet: prefix, then a fixed-width mask."""
    return f"{prefix(secret)}{MASK * 8}"


def redact_line(line: str, spans: Iterable[tuple[int, int]], *, max_len: int = 300) -> str:
    """Replace each ``[start, end)`` span of ``line`` by its mask, then cap the length."""
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(_merge(spans)):
        if end <= cursor:
            continue
        start = max(start, cursor)
        pieces.append(line[cursor:start])
        pieces.append(mask(line[start:end]))
        cursor = end
    pieces.append(line[cursor:])
    text = "".join(pieces).rstrip("\r\n")
    if len(text) > max_len:
        text = text[:max_len] + "…"
    return text


def redact_secrets(text: str, secrets: Iterable[str]) -> str:
    """Mask every occurrence of each secret in free text (error messages, tracebacks)."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, mask(secret))
    return text


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class Masker:
    """Every secret value found in one file, masked wherever it occurs in text from that file.

    Masking is by value, not by reported span: the same key twice on a line, a value some
    other rule found (enabled or not), or a value quoted in a workflow message is masked
    everywhere. Values are indexed by their first ``_KEY`` characters, so masking a snippet
    costs one dictionary lookup per character, however many secrets the file holds.
    """

    _KEY = 6

    __slots__ = ("_long", "_short")

    def __init__(self) -> None:
        self._long: dict[str, list[str]] = {}  # first _KEY characters -> values, longest first
        self._short: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self._long or self._short)

    def add(self, value: str) -> None:
        if not value:
            return
        if len(value) < self._KEY:
            self._short.add(value)
            return
        bucket = self._long.setdefault(value[: self._KEY], [])
        if value not in bucket:
            bucket.append(value)
            bucket.sort(key=len, reverse=True)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every ``[start, end)`` where a known value occurs in ``text``, merged."""
        found: list[tuple[int, int]] = []
        if self._long:
            key, get = self._KEY, self._long.get
            for i in range(len(text) - key + 1):
                bucket = get(text[i : i + key])
                if bucket is not None:
                    for value in bucket:
                        if text.startswith(value, i):
                            found.append((i, i + len(value)))
                            break
        for value in self._short:
            start = text.find(value)
            while start >= 0:
                found.append((start, start + len(value)))
                start = text.find(value, start + 1)
        return _merge(found)

    def line(self, text: str, extra: Iterable[tuple[int, int]] = (), max_len: int = 300) -> str:
        """A snippet: every known value (and each ``extra`` span) masked, length capped.

        Only as much of a long line is searched as the capped snippet can show. Masks shrink
        what they cover, so the stretch doubles until the snippet is full. It is searched a
        value's length past where it is cut, and never cut inside a mask, so a value that
        crosses the cut is still found.
        """
        extra = list(extra)
        longest = max((len(b[0]) for b in self._long.values()), default=self._KEY)
        limit = 2 * max_len + longest
        while True:
            searched = text[: limit + longest]
            spans = _merge([*self.spans(searched), *extra])
            cut = limit
            for start, end in spans:
                if start < cut < end:
                    cut = end
            shown = [(start, end) for start, end in spans if start < cut]
            snippet = redact_line(text[:cut], shown, max_len=max_len)
            if cut >= len(text) or len(snippet) > max_len:
                return snippet
            limit *= 2

    def scrub(self, text: str) -> str:
        """Free text (a message) with every known value masked, nothing else changed."""
        spans = self.spans(text)
        if not spans:
            return text
        return redact_line(text, spans, max_len=len(text) + 12 * len(spans))
