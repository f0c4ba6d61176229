"""Text from scanned files, made safe to print on a terminal or a rendered page.

A snippet or message can quote anything a scanned file holds: escape sequences that erase
lines, retitle the window or write the clipboard (OSC 52), carriage returns that overwrite
what came before, bidirectional overrides that reorder what a reviewer reads. The text,
markdown and annotation reporters pass every such string through ``printable``; JSON and
SARIF escape by their own rules.
"""

from __future__ import annotations

import re

# C0 and C1 controls (tab kept), DEL, line/paragraph separators, bidi controls, the BOM and
# lone surrogates (undecodable bytes kept by surrogateescape).
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


def printable(text: str) -> str:
    """``text`` with every unsafe character written as a visible escape (``\\x1b``)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0A:
        return "\\n"
    if code == 0x0D:
        return "\\r"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
