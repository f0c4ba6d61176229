"""Recognising a detect-secrets baseline by its content, wherever it is and whatever its name.

The scanner asks about every file it reads, so the first look is a cheap test of the first
bytes; only files that pass it are parsed. Kept apart from ``baseline`` so that a scan without
``--baseline`` imports nothing it does not need.
"""

from __future__ import annotations

import re

_JSON_OBJECT_START = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*\{")
_BASELINE_KEYS = (b'"results"', b'"plugins_used"', b'"generated_at"')
_HEAD = 64 * 1024


def might_be_baseline(head: bytes) -> bool:
    """Cheap first look at a file's first bytes: a JSON object naming a baseline key."""
    if not _JSON_OBJECT_START.match(head):
        return False
    head = head[:_HEAD]
    return any(key in head for key in _BASELINE_KEYS)


def is_detect_secrets_baseline(data: bytes) -> bool:
    """A JSON document whose top level has a ``results`` table and ``plugins_used`` or
    ``generated_at``: a detect-secrets baseline (ours or not), whose hashes are no content to
    scan. Only files that pass ``might_be_baseline`` are parsed."""
    if not might_be_baseline(data):
        return False
    import json

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("results"), dict)
        and ("plugins_used" in doc or "generated_at" in doc)
    )
