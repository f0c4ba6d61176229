"""Run every detector over a line the way the engine does (prefilter first)."""

from __future__ import annotations

from collections.abc import Sequence

from wabaguard.detectors import all_detectors
from wabaguard.detectors.base import LineContext

Hit = tuple[str, int, int]


def scan(line: str, path: str = "app.py", lines: Sequence[str] | None = None) -> list[Hit]:
    """``(rule id, start, end)`` of every match on ``line``; ``lines`` gives context."""
    if lines is None:
        lines = [line]
    index = list(lines).index(line)
    context = LineContext(lines, index, path)
    hits: list[Hit] = []
    for detector in all_detectors():
        if not detector.prefilter.search(line):
            continue
        for match in detector.scan_line(line, context):
            assert line[match.start : match.end] == match.secret, "offsets must be exact"
            hits.append((match.rule.id, match.start, match.end))
    return sorted(hits)


def place(template: str, value: str) -> tuple[str, int, int]:
    """Put ``value`` at ``{T}`` in ``template``; return the line and the value's span."""
    start = template.index("{T}")
    return template.replace("{T}", value, 1), start, start + len(value)


def unstructured_meta_token(seed: int, length: int = 160) -> str:
    """``EAA`` + random alphanumerics whose leading bytes name no app id (a token format the
    structural check does not know), never ``EAAA`` (Square's prefix)."""
    import fakes
    from wabaguard.detectors._formats import meta_app_id

    for attempt in range(seed, seed + 1000):
        token = "EAA" + fakes.alnum(length - 3, seed=attempt)
        if meta_app_id(token) is None and token[3] != "A":
            return token
    raise AssertionError("no unstructured token found")  # pragma: no cover
