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
