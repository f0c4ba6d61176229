"""A Markdown job summary: findings grouped by rule, redacted, with links to the docs."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from wabaguard.reporters.text import count

if TYPE_CHECKING:
    from wabaguard.scan import ScanResult

_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("`", "'")


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
            out.append("| Location | Message |")
            out.append("| --- | --- |")
            for f in items:
                out.append(f"| `{_cell(f.path)}:{f.line}:{f.column}` | {_cell(f.message)} |")
            out.append("")
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
            out.append(f"- `{_cell(path)}`: {_cell(why)}")
        out.append("</details>")
    return "\n".join(out) + "\n"
