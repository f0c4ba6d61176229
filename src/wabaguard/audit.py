"""``wabaguard audit``: label a baseline's entries as real or false positives.

The labels are detect-secrets' own (``is_secret`` on each entry: true for a real secret, false
for a false positive), and workflow entries get the same field. Unlike ``detect-secrets
audit``, which prints each secret in full, this shows only what every wabaguard report shows:
the line with the secret masked, and a message carrying at most its prefix and length. It
re-finds each entry by scanning its file with wabaguard (by hash for a secret, by fingerprint
for a workflow finding), so it works whatever plugins the baseline lists.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import click

from wabaguard.baseline import (
    entry_line,
    generic_plugin_names,
    load_baseline,
    save_document,
    workflow_results,
)
from wabaguard.config import Config
from wabaguard.discovery import printable
from wabaguard.findings import Finding, Kind


@dataclass(frozen=True)
class _Entry:
    kind: Kind
    filename: str
    record: dict[str, Any]  # the document's own object: labels are set on it in place
    what: str  # the secret type or the rule id

    @property
    def key(self) -> tuple[Any, ...]:
        if self.kind is Kind.WORKFLOW:
            return (Kind.WORKFLOW, self.filename, str(self.record.get("fingerprint")))
        return (Kind.CREDENTIAL, self.filename, str(self.record.get("hashed_secret")), self.what)


def _entries(doc: Mapping[str, Any], path: str) -> list[_Entry]:
    found = [
        _Entry(Kind.CREDENTIAL, filename, record, str(record.get("type", "")))
        for filename, records in doc["results"].items()
        for record in records
        if isinstance(record, dict)
    ]
    found.extend(
        _Entry(Kind.WORKFLOW, filename, record, str(record["rule"]))
        for filename, records in workflow_results(doc, path).items()
        for record in records
    )
    return found


def statistics(path: str, as_json: bool) -> str:
    """Per secret type and per workflow rule: how many entries are real, false or unlabelled."""
    doc = dict(load_baseline(path).doc)
    counts: dict[str, dict[str, dict[str, int]]] = {"credentials": {}, "workflow": {}}
    for entry in _entries(doc, path):
        group = counts["workflow" if entry.kind is Kind.WORKFLOW else "credentials"]
        row = group.setdefault(entry.what, {"real": 0, "false_positive": 0, "unlabelled": 0})
        label = entry.record.get("is_secret")
        row["real" if label is True else "false_positive" if label is False else "unlabelled"] += 1
    if as_json:
        return json.dumps(counts, indent=2, sort_keys=True) + "\n"
    lines = []
    for title, group in (("Secrets", counts["credentials"]), ("Workflow", counts["workflow"])):
        if not group:
            continue
        lines.append(f"{title}:")
        width = max(len(printable(name)) for name in group)
        for name, row in sorted(group.items()):
            lines.append(
                f"  {printable(name):<{width}}  {row['real']} real, "
                f"{row['false_positive']} false positive(s), {row['unlabelled']} unlabelled"
            )
    if not lines:
        lines.append(f"{printable(path)}: no entries")
    return "\n".join(lines) + "\n"


def label_interactively(path: str, config: Config, cwd: str) -> int:
    """Ask about each unlabelled entry; answers are read from stdin, one a line."""
    doc = dict(load_baseline(path).doc)
    todo = sorted(
        (e for e in _entries(doc, path) if e.record.get("is_secret") is None),
        key=lambda e: (e.filename, entry_line(e.record)),
    )
    if not todo:
        click.echo(f"wabaguard: every entry of {printable(path)} is labelled", err=True)
        return 0
    findings = _current_findings(doc, todo, config, cwd)
    try:
        changed = _ask_each(todo, findings)
    except KeyboardInterrupt:
        _save(path, doc, todo)  # what was answered before Ctrl-C is kept
        raise
    if changed:
        _save(path, doc, todo)
    else:
        click.echo(f"wabaguard: nothing changed in {printable(path)}", err=True)
    return 0


def _ask_each(todo: list[_Entry], findings: Mapping[tuple[Any, ...], Finding]) -> bool:
    """Labels the entries in place; True when any label changed."""
    index = 0
    changed = False
    while index < len(todo):
        entry = todo[index]
        finding = findings.get(entry.key)
        _show(entry, finding, index, len(todo))
        answer = _ask(found=finding is not None, workflow=entry.kind is Kind.WORKFLOW, back=index)
        if answer in ("q", None):
            click.echo("Quitting." if answer == "q" else "End of input.")
            break
        if answer == "b":
            index -= 1
            continue
        if answer == "s":
            # Skipping an entry answered before (after going back) takes the answer back.
            changed |= entry.record.pop("is_secret", None) is not None
        else:
            entry.record["is_secret"] = answer == "y"
            changed = True
        index += 1
    return changed


def _save(path: str, doc: Mapping[str, Any], todo: list[_Entry]) -> None:
    save_document(path, doc)
    labelled = sum(1 for e in todo if e.record.get("is_secret") is not None)
    click.echo(
        f"wabaguard: saved {printable(path)}: {labelled} of {len(todo)} unlabelled entries "
        "labelled",
        err=True,
    )


def _current_findings(
    doc: Mapping[str, Any], todo: list[_Entry], config: Config, cwd: str
) -> dict[tuple[Any, ...], Finding]:
    """Scan the files the entries name, as the baseline was made (generic plugins on when it
    lists them), without the config's excludes: each entry is looked for where it was."""
    from wabaguard.scan import run_scan

    generic = generic_plugin_names()
    listed = doc.get("plugins_used")
    entropy = isinstance(listed, list) and any(
        isinstance(p, dict) and p.get("name") in generic for p in listed
    )
    # A baseline is repository content: its file names are only read inside the tree.
    root = os.path.realpath(cwd)
    files = sorted(
        {
            e.filename
            for e in todo
            if _inside(root, os.path.realpath(os.path.join(cwd, e.filename)))
            and os.path.isfile(os.path.join(cwd, e.filename))
        }
    )
    if not files:
        return {}
    config = replace(config, exclude=(), entropy=config.entropy or entropy, disable=frozenset())
    found: dict[tuple[Any, ...], Finding] = {}
    for f in run_scan(files, config, cwd=cwd).findings:
        if f.kind is Kind.WORKFLOW:
            found.setdefault((Kind.WORKFLOW, f.path, f.fingerprint), f)
        elif f.secret_hash:
            found.setdefault((Kind.CREDENTIAL, f.path, f.secret_hash, f.secret_type), f)
    return found


def _inside(root: str, real: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _show(entry: _Entry, finding: Finding | None, index: int, total: int) -> None:
    line = finding.line if finding is not None else entry.record.get("line_number", "?")
    kind = "workflow" if entry.kind is Kind.WORKFLOW else "secret"
    click.echo("")
    click.echo(f"[{index + 1}/{total}] {printable(entry.filename)}:{line}  {kind}: "
               f"{printable(entry.what)}")  # fmt: skip
    if finding is None:
        click.echo(
            "  not found in the file as it is now (moved, changed or removed: "
            "`wabaguard baseline` refreshes the baseline)"
        )
        return
    # Both were redacted when the finding was made: a secret is never more than its prefix.
    click.echo(f"  {finding.snippet}")
    click.echo(f"  {finding.message}")


def _ask(*, found: bool, workflow: bool, back: int) -> str | None:
    """The answer's letter, or None at the end of input."""
    choices = ["y", "n", "s"] if found else ["s"]
    labels = {"y": "(y)es", "n": "(n)o (a false positive)", "s": "(s)kip"}
    if back:
        choices.append("b")
        labels["b"] = "(b)ack"
    choices.append("q")
    labels["q"] = "(q)uit"
    question = "Is this a real problem?" if workflow else "Is this a real secret?"
    prompt = ", ".join(labels[c] for c in choices) + ": "
    if found:
        prompt = f"{question} {prompt}"
    while True:
        click.echo(prompt, nl=False)
        sys.stdout.flush()
        reply = sys.stdin.readline()
        if not reply:
            click.echo("")
            return None
        letter = reply.strip().lower()[:1]
        if letter in choices:
            return letter
        click.echo(f"  please answer one of: {', '.join(choices)}")
