"""Renderers: pure functions from a scan result to text. None of them sees a raw secret."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wabaguard.core.findings import Rule, ScanResult

Renderer = Callable[["ScanResult", "tuple[Rule, ...]", bool], str]

FORMATS = ("text", "json", "sarif", "github", "markdown")


def render(fmt: str, result: ScanResult, rules: tuple[Rule, ...], color: bool = False) -> str:
    if fmt == "text":
        from wabaguard.reporters.text import render_text

        return render_text(result, color=color)
    if fmt == "json":
        from wabaguard.reporters.json import render_json

        return render_json(result)
    if fmt == "sarif":
        from wabaguard.reporters.sarif import render_sarif

        return render_sarif(result, rules)
    if fmt == "github":
        from wabaguard.reporters.github import render_github

        return render_github(result)
    if fmt == "markdown":
        from wabaguard.reporters.markdown import render_markdown

        return render_markdown(result)
    raise ValueError(f"unknown format {fmt!r}")
