"""A Markdown job summary: findings grouped by rule, redacted, with links to the docs."""

from __future__ import annotations

import re
from itertools import groupby
from typing import TYPE_CHECKING

from wabaguard.reporters._printable import printable
from wabaguard.reporters.text import count

if TYPE_CHECKING:
    from wabaguard.core.findings import ScanResult

_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


_MARKUP = re.compile(r"[\\`*_\[\]<>!#~&|@:]")


def _cell(text: str) -> str:
    """Prose in a table cell: markup a scanned file could inject (links, images, HTML,
    mentions) is shown as text, not rendered."""
    return _MARKUP.sub(lambda m: "\\" + m.group(), printable(text))


def _code(text: str) -> str:
    """Text inside a code span (no escapes there, except the table's own ``|``)."""
    return printable(text).replace("`", "'").replace("|", "\\|")


def render_markdown(result: ScanResult) -> str:
    out = ["## wabaguard", ""]
    n = len(result.findings)
    files = count(result.files_scanned, "file")
    if not n:
        out.append(f"No findings in {files}. :white_check_mark:")
    else:
        out.append(f"**{count(n, 'finding')}** in {files}.")
        out.append("")
        ordered = sorted(
            result.findings, key=lambda f: (_ORDER[f.severity.value], f.rule, f.path, f.line)
        )
        for rule, group in groupby(ordered, key=lambda f: f.rule):
            items = list(group)
            first = items[0]
            out.append(f"### [{rule}]({first.help_uri}) · {first.severity.value} · {len(items)}")
            out.append("")
            out.append("| Location | Confidence | Message |")
            out.append("| --- | --- | --- |")
            for f in items:
                where = (
                    _code(f.logical_location)
                    if not f.path
                    else (f"{_code(f.path)}:{f.line}:{f.column}")
                )
                message = " ".join((f.message, *f.notes))
                out.append(f"| `{where}` | {f.confidence.value} | {_cell(message)} |")
            out.append("")
    if result.suppressed:
        out.append("")
        out.append(f"{result.suppressed} suppressed (suppression comments or the baseline).")
    errors = [(e.path, e.message) for e in result.errors if e.level == "error"]
    warnings = [(e.path, e.message) for e in result.errors if e.level != "error"]
    unreadable = [(s.relpath, s.reason) for s in result.skipped if s.unreadable]
    for summary, entries in (
        ("could not be fully analysed", errors),
        ("analysed with a warning", warnings),
        ("skipped: could not be read", unreadable),
    ):
        if not entries:
            continue
        out.append("")
        out.append(f"<details><summary>{count(len(entries), 'file')} {summary}</summary>")
        out.append("")
        for path, why in entries:
            out.append(f"- `{_code(path)}`: {_cell(why)}")
        out.append("</details>")
    return "\n".join(out) + "\n"
