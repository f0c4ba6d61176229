"""Offsets to 1-based line/column: only "\\n" ends a line (not "\\r", U+2028 or U+0085)."""

from __future__ import annotations

import pytest

from wabaguard.workflows.model import Document, compose

TEXTS = [
    "",
    "\n",
    "a",
    "a\n",
    "\n\n",
    "a\nb",
    "a\r\nb\r\n",
    "x\u2028y\n\x85z\n",
    "on: push\njobs: {}",
]


@pytest.mark.parametrize("text", TEXTS)
def test_line_col_of_every_offset(text: str) -> None:
    doc = Document(text, compose("a: 1"))
    for offset in range(len(text) + 1):
        before = text[:offset]
        expected = (before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)
        assert doc.line_col(offset) == expected, offset
