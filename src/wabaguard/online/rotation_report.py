"""The rotation check's reports for people: a table sorted by age, as text and as Markdown.

JSON, SARIF and annotations are the shared reporters' (``wabaguard.reporters``): the
findings carry the same facts as properties and a logical location naming the secret.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from wabaguard.reporters._printable import printable

if TYPE_CHECKING:
    from wabaguard.core.findings import Finding, Rule
    from wabaguard.online.rotation import Outcome, Summary

_COLORS = {"critical": "\033[1;35m", "high": "\033[1;31m", "medium": "\033[33m", "low": "\033[36m"}
_BOLD = "\033[1m"
_RESET = "\033[0m"
_STATUS = {"overdue": "overdue", "due-soon": "due soon"}
_HEAD = ("AGE", "DUE", "STATUS", "SECRET")


def render(fmt: str, outcome: Outcome, rules: tuple[Rule, ...], color: bool = False) -> str:
    if fmt == "text":
        return render_text(outcome, color=color)
    if fmt == "markdown":
        return render_markdown(outcome)
    if fmt == "github":
        return render_github(outcome)
    from wabaguard.reporters import render as shared

    return shared(fmt, outcome.result, rules, color)


def render_github(outcome: Outcome) -> str:
    """Workflow commands: an annotation of the run per finding (the shared reporter's), and
    per listing that could not be read (not "a file wabaguard could not analyse")."""
    from wabaguard.reporters.github import escape_data, escape_property, render_github

    result = outcome.result
    lines = [render_github(replace(result, errors=[]))]
    title = escape_property("wabaguard rotation: a listing could not be read")
    for error in result.errors:
        message = escape_data(f"{error.path}: {error.message}")
        lines.append(f"::error title={title}::{message}\n")
    return "".join(lines)


def summary_line(outcome: Outcome) -> str:
    """One line for stderr when the report went to a file."""
    return f"wabaguard rotation: {_counts(outcome.result.findings)}; {_coverage(outcome.summary)}"


def _row(f: Finding) -> tuple[str, str, str, str]:
    facts = f.properties
    status = str(facts.get("status", ""))
    return (
        f"{facts.get('age_days', '?')}d",
        str(facts.get("due_date", "")),
        _STATUS.get(status, status),
        printable(f.logical_location),
    )


def render_text(outcome: Outcome, *, color: bool = False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    findings = outcome.result.findings
    summary = outcome.summary
    out = [_title(summary), ""]
    if findings:
        rows = [_row(f) for f in findings]
        widths = [max(len(r[i]) for r in [_HEAD, *rows]) for i in range(3)]
        out.append(
            "  ".join(h.ljust(w) for h, w in zip(_HEAD, widths, strict=False)) + "  " + _HEAD[3]
        )
        for f, row in zip(findings, rows, strict=True):
            age, due, status, where = row
            cells = [age.rjust(widths[0]), due.ljust(widths[1]), status.ljust(widths[2])]
            cells[2] = paint(_COLORS[f.severity.value], cells[2])
            out.append("  ".join(cells) + "  " + where)
        out.append("")
    for error in outcome.result.errors:
        out.append(f"{printable(error.path)}: error: {printable(error.message)}")
    if outcome.result.errors:
        out.append("")
    line = f"{_counts(findings)}; {_coverage(summary)}"
    out.append(paint(_BOLD, line) if findings else line)
    return "\n".join(out) + "\n"


def render_markdown(outcome: Outcome) -> str:
    findings = outcome.result.findings
    summary = outcome.summary
    out = ["## wabaguard rotation", ""]
    policy = f"{summary.policy.max_age}-day rotation policy, as of {summary.today}"
    if findings:
        overdue = sum(1 for f in findings if f.properties.get("status") == "overdue")
        soon = len(findings) - overdue
        out.append(
            f"**{overdue} overdue, {soon} due within {summary.policy.warn_within} days** "
            f"({policy}; {_code(', '.join(summary.targets))})."
        )
        out.append("")
        out.append("| Age (days) | Due | Status | Secret |")
        out.append("| ---: | --- | --- | --- |")
        for f in findings:
            facts = f.properties
            status = _STATUS.get(str(facts.get("status", "")), "")
            out.append(
                f"| {facts.get('age_days', '?')} | {facts.get('due_date', '')} | {status} "
                f"| `{_code(f.logical_location)}` |"
            )
        out.append("")
        out.append(
            f"Rotate each at its issuer, store the new value, then revoke the old one "
            f"([stale-credential]({findings[0].help_uri}))."
        )
    else:
        out.append(
            f"No credential is older than the {policy} "
            f"({_code(', '.join(summary.targets))}). :white_check_mark:"
        )
    out.append("")
    out.append(_coverage(summary) + ".")
    errors = outcome.result.errors
    if errors:
        out.append("")
        out.append(f"<details><summary>{len(errors)} listing(s) could not be read</summary>")
        out.append("")
        out.extend(f"- `{_code(e.path)}`: {_code(e.message)}" for e in errors)
        out.append("</details>")
    return "\n".join(out) + "\n"


def _title(summary: Summary) -> str:
    targets = ", ".join(printable(t) for t in summary.targets)
    return (
        f"wabaguard rotation: {targets}: {summary.policy.max_age}-day policy, warnings "
        f"{summary.policy.warn_within} days ahead, as of {summary.today} (UTC)"
    )


def _counts(findings: list[Finding]) -> str:
    overdue = sum(1 for f in findings if f.properties.get("status") == "overdue")
    soon = len(findings) - overdue
    return f"{overdue} overdue, {soon} due soon"


def _coverage(summary: Summary) -> str:
    n = summary.listed
    listed = f"{n} credential{'s' if n != 1 else ''} listed"
    if summary.check_all or summary.checked == n:
        return f"{listed}, all checked"
    skipped = n - summary.checked
    return (
        f"{listed}, {summary.checked} checked ({skipped} without a WhatsApp, Meta or BSP "
        "credential name: --all checks every one)"
    )


def _code(text: str) -> str:
    """Text inside a Markdown code span: no escapes there, except the table's ``|``."""
    return printable(text).replace("`", "'").replace("|", "\\|")
