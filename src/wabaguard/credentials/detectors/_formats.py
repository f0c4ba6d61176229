"""Format checks for credentials that have a recognisable shape.

The context-gated detectors use ``is_formatted_credential`` to leave a value to the
format-based rule that owns it, so one secret yields one finding.
"""

from __future__ import annotations

import base64
import binascii
import re

from wabaguard.credentials.detectors._text import is_placeholder

# Meta access token: "E" + Z-escaped base64 of (app id: 8 bytes big-endian, 0x01, opaque).
# The Z-escape maps "+"→"ZA", "/"→"ZB", "Z"→"ZC", "="→"ZD" (credentials.md §1.1b, derived
# from public tokens), so the alphabet is strictly [A-Za-z0-9].
#
# App ids are 15-16 digits (WABA, phone-number and app ids share that space): below 10**16,
# under 2**54, so the first ten bits of the 64-bit id are zero and its base64 starts "A" then
# one of "A"-"C" (ids from 2**52 up encode to "EAB…", from 2**53 to "EAC…"). The accepted heads are
# derived from those bounds below, not written down; every token seen so far starts "EAA".
MIN_APP_ID = 10**14
MAX_APP_ID = 10**16
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _heads(low: int, high: int) -> tuple[str, ...]:
    """The 3-character heads of tokens for app ids in ``[low, high)``."""
    first = {(low >> 58) & 63, ((high - 1) >> 58) & 63}
    second = range((low >> 52) & 63, (((high - 1) >> 52) & 63) + 1)
    assert first == {0}, "app ids this large would change the first base64 character"
    return tuple("E" + _B64[0] + _B64[c] for c in second)


META_HEADS = _heads(MIN_APP_ID, MAX_APP_ID)  # ("EAA", "EAB", "EAC")
_HEAD_CLASS = "".join(head[2] for head in META_HEADS)
# Unbounded length is safe: the look-behind stops a new attempt starting inside an
# alphanumeric run, so each character is consumed once.
META_TOKEN = re.compile(rf"(?<![A-Za-z0-9])EA[{_HEAD_CLASS}][A-Za-z0-9]{{80,}}(?![A-Za-z0-9])")
META_PREFILTER = re.compile(rf"EA[{_HEAD_CLASS}][A-Za-z0-9]{{80}}")
_Z_UNESCAPE = {"A": "+", "B": "/", "C": "Z", "D": "="}
# Distinct characters in an 80-character random base64 body: about 45; a filler has few.
_MIN_DISTINCT = 20

# Infobip: 32 lowercase hex, "-", UUIDv4 (credentials.md §2.5b, 5/5 public samples).
INFOBIP_KEY = re.compile(
    r"(?<![A-Za-z0-9-])([a-f0-9]{32})-[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}"
    r"-[a-f0-9]{12}(?![A-Za-z0-9-])"
)
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
HEX32 = re.compile(r"[a-f0-9]{32}")
HEX50 = re.compile(r"[a-f0-9]{50}")


def meta_app_id(token: str) -> int | None:
    """The app id encoded in a Meta ``EAA…`` (``EAB…``…) token, or ``None`` if the structure
    is wrong.

    Un-escape *before* slicing: an escaped pair shifts the offsets of what follows.
    """
    if not token.startswith(META_HEADS):
        return None
    b64: list[str] = []
    chars = iter(token[1:40])
    for char in chars:
        if len(b64) == 12:
            break
        if char == "Z":
            escaped = _Z_UNESCAPE.get(next(chars, ""))
            if escaped is None:
                return None  # a bare "Z" cannot occur in a Z-escaped string
            char = escaped
        b64.append(char)
    if len(b64) < 12 or "=" in b64:
        return None
    try:
        raw = base64.b64decode("".join(b64), validate=True)
    except (binascii.Error, ValueError):
        return None
    if raw[8] != 0x01:
        return None
    app_id = int.from_bytes(raw[:8], "big")
    return app_id if MIN_APP_ID <= app_id < MAX_APP_ID else None


def is_random_meta_token(token: str) -> bool:
    """An ``EAA…`` run (a ``META_TOKEN`` match) that reads as a random credential even
    where its leading bytes name no app id: not Square's ``EAAA…``, and a body of varied
    base64 with both cases and digits (fillers, words and hex digests are not). The other
    heads (``EAB…``) count only with the app-id structure: no such token has been seen."""
    if token.startswith("EAAA") or not token.startswith("EAA"):
        return False  # Square access tokens (credentials.md §1.1f)
    body = token[3:]
    return (
        len(set(body)) >= _MIN_DISTINCT
        and not body.isupper()
        and not body.islower()
        and any(c.isdigit() for c in body)
        and not is_placeholder(token)
    )


def is_formatted_credential(value: str) -> bool:
    """``value`` is (or contains) a credential that a format-based rule reports.

    A whole value that is a random ``EAA…`` token without the app-id structure counts too:
    the context-gated rules only take literals assigned to credential names, and there the
    Meta rule reports it (at medium confidence).
    """
    for match in META_TOKEN.finditer(value):
        if meta_app_id(match.group()) is not None:
            return True
        if match.end() - match.start() == len(value) and is_random_meta_token(value):
            return True
    return bool(INFOBIP_KEY.search(value))
