"""Score the webhook rules on the annotated fixtures: python tests/webhooks/webhook_scoring.py

Runs ``wabaguard scan --format json`` (in-process, through ``main``) over a copy of
``tests/fixtures/webhooks`` and compares every finding with the annotations: ``NOT OK:
<rule>`` on a line that must carry that finding, ``OK`` on a line that must carry none.
Prints the per-rule table that docs/webhooks.md quotes (a test keeps the two equal).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "webhooks"
_NOT_OK = re.compile(r"(?:#|//)\s*NOT OK:\s*(?P<rules>[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)")
_OK = re.compile(r"(?:#|//)\s*OK\b")
SUFFIXES = (".py", ".js", ".ts", ".tsx", ".php", ".go")


@dataclass(frozen=True)
class Annotations:
    expected: frozenset[tuple[int, str]]
    ok_lines: frozenset[int]
    lines: tuple[str, ...]


def parse_annotations(text: str) -> Annotations:
    expected: set[tuple[int, str]] = set()
    ok_lines: set[int] = set()
    lines = tuple(text.splitlines())
    for number, line in enumerate(lines, start=1):
        match = _NOT_OK.search(line)
        if match:
            expected.update((number, r) for r in re.split(r"\s*,\s*", match.group("rules")))
        elif _OK.search(line):
            ok_lines.add(number)
    return Annotations(frozenset(expected), frozenset(ok_lines), lines)


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in SUFFIXES)


def scan_copy(dest: Path) -> Any:
    """Scan a copy of the fixtures (outside the repository: no config excludes them)."""
    from wabaguard.cli import main

    shutil.copytree(FIXTURES, dest / "fixtures")
    report = dest / "report.json"
    here = os.getcwd()
    os.chdir(dest)
    try:
        # Every confidence: a low-confidence hit (a router that may be mounted behind middleware
        # elsewhere) is hidden by the default --min-confidence, but it is what the analysis found.
        argv = ["scan", "fixtures", "--format", "json", "--min-confidence", "low"]
        code = main([*argv, "--output", str(report)])
    finally:
        os.chdir(here)
    assert code in (0, 1), f"wabaguard scan exited {code}"
    return json.loads(report.read_text(encoding="utf-8"))


def webhook_rule_ids() -> frozenset[str]:
    from wabaguard import webhooks

    return frozenset(rule.id for rule in webhooks.all_rules())


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    files: set[str] = field(default_factory=set)

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0


def problems_for(
    relpath: str, annotations: Annotations, findings: Iterable[Mapping[str, Any]]
) -> list[str]:
    rules = webhook_rule_ids()
    findings = list(findings)
    actual = _reported(findings, rules)
    out = []
    for line, rule in sorted(annotations.expected - actual):
        out.append(f"{relpath}:{line}: missing {rule} | {annotations.lines[line - 1].strip()}")
    for line, rule in sorted(actual - annotations.expected):
        out.append(f"{relpath}:{line}: unexpected {rule} | {annotations.lines[line - 1].strip()}")
    for f in findings:
        if int(f["line"]) in annotations.ok_lines and f["rule"] not in rules:
            out.append(f"{relpath}:{f['line']}: unexpected {f['rule']} on an OK line")
    return out


def _reported(findings: Iterable[Mapping[str, Any]], rules: frozenset[str]) -> set[tuple[int, str]]:
    """(line, webhook rule) of each finding, with the rules merged into it: a hardcoded key
    that a credential detector also reports is one finding, the webhook rule related."""
    found = set()
    for f in findings:
        for rule in [f["rule"], *f.get("related_rules", [])]:
            if rule in rules:
                found.add((int(f["line"]), str(rule)))
    return found


def score(document: Any) -> dict[str, Score]:
    rules = webhook_rule_ids()
    scores = {rule: Score() for rule in sorted(rules)}
    by_file: dict[str, list[Mapping[str, Any]]] = {}
    for f in document["findings"]:
        by_file.setdefault(f["path"], []).append(f)
    for path in fixture_files():
        relpath = "fixtures/" + path.relative_to(FIXTURES).as_posix()
        annotations = parse_annotations(path.read_text(encoding="utf-8"))
        actual = _reported(by_file.get(relpath, []), rules)
        for line, rule in annotations.expected | actual:
            if rule not in scores:
                continue
            s = scores[rule]
            s.files.add(relpath)
            if (line, rule) in annotations.expected and (line, rule) in actual:
                s.tp += 1
            elif (line, rule) in actual:
                s.fp += 1
            else:
                s.fn += 1
    return scores


def table(scores: Mapping[str, Score]) -> str:
    rows = [
        "| rule | expected | found | false positives | missed | recall | precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for rule, s in scores.items():
        rows.append(
            f"| `{rule}` | {s.tp + s.fn} | {s.tp} | {s.fp} | {s.fn} |"
            f" {s.recall():.0%} | {s.precision():.0%} |"
        )
    return "\n".join(rows) + "\n"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        document = scan_copy(Path(tmp))
    sys.stdout.write(table(score(document)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
