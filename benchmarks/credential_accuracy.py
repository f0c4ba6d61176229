"""Recall and precision of credential detection: wabaguard vs plain detect-secrets.

Generates the labelled corpus of ``credential_corpus.py`` once and, in the same run and on
the same files, runs:

* ``wabaguard scan --format json`` — only findings of wabaguard's own credential rules count;
* ``detect-secrets scan --all-files`` with its default plugins (what a team gets today);
* ``detect-secrets scan --all-files --plugin <wabaguard plugin file>`` — detect-secrets with
  its defaults plus wabaguard's plugins (the plain-detect-secrets route).

Scoring is per line, because detect-secrets reports lines, not columns:

* a **positive** line is found when the tool reports anything on it (recall); for wabaguard
  the *typed* recall also requires the owning rule;
* a reported line that is a **decoy** or ordinary code is a false positive; lines holding an
  unrelated service's real credential (Square, Twilio) are **neutral** and count for nobody;
* precision = reported positive lines / (reported positive lines + false-positive lines).

Usage::

    python benchmarks/credential_accuracy.py                # print the tables
    python benchmarks/credential_accuracy.py --write docs/accuracy.md
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from credential_corpus import Label, generate

from wabaguard.credentials.detectors import all_rules

OUR_RULES = {rule.id for rule in all_rules()}
OUR_TYPES = {rule.secret_type: rule.id for rule in all_rules()}


@dataclass
class Run:
    name: str
    reported: dict[tuple[str, int], set[str]]  # (path, line) -> rule ids / secret types
    seconds: float


def run_wabaguard(root: Path) -> Run:
    began = time.perf_counter()
    proc = subprocess.run(
        ["wabaguard", "scan", "--format", "json", "--no-progress", "."],
        cwd=root, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    seconds = time.perf_counter() - began
    if proc.returncode not in (0, 1):
        raise SystemExit(f"wabaguard failed ({proc.returncode}): {proc.stderr}")
    reported: dict[tuple[str, int], set[str]] = defaultdict(set)
    for finding in json.loads(proc.stdout)["findings"]:
        if finding["rule"] in OUR_RULES:
            reported[(finding["path"], finding["line"])].add(finding["rule"])
    return Run("wabaguard scan (its credential rules)", dict(reported), seconds)


def run_detect_secrets(root: Path, plugin: str | None) -> Run:
    args = ["detect-secrets", "scan", "--all-files"]
    if plugin:
        args += ["--plugin", plugin]
    began = time.perf_counter()
    proc = subprocess.run([*args, "."], cwd=root, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(f"detect-secrets failed ({proc.returncode}): {proc.stderr}")
    reported: dict[tuple[str, int], set[str]] = defaultdict(set)
    for path, entries in json.loads(proc.stdout)["results"].items():
        for entry in entries:
            reported[(path, entry["line_number"])].add(entry["type"])
    name = "detect-secrets + wabaguard plugins" if plugin else "detect-secrets (default plugins)"
    return Run(name, dict(reported), seconds)


@dataclass
class Score:
    run: Run
    positives: int
    found: int
    typed: int
    false_positives: int
    by_rule: dict[str, tuple[int, int]]  # rule -> (found, total)
    fp_by_category: Counter[str]
    hard: tuple[int, int]  # (found, total) among the untuned hard positives
    missed_hard: list[str]  # their categories, for the report

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 0.0

    @property
    def precision(self) -> float:
        flagged = self.found + self.false_positives
        return self.found / flagged if flagged else 1.0


def score(run: Run, labels: Iterable[Label]) -> Score:
    by_line = {(label.path, label.line): label for label in labels}
    positives = [label for label in by_line.values() if label.kind == "positive"]
    found = typed = hard_found = hard_total = 0
    missed_hard: list[str] = []
    by_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for label in positives:
        hits = run.reported.get((label.path, label.line), set())
        by_rule[label.category][1] += 1
        hard_total += label.hard
        if label.hard and not hits:
            missed_hard.append(f"{label.path}:{label.line} ({label.category})")
        if hits:
            found += 1
            hard_found += label.hard
            by_rule[label.category][0] += 1
        names = {OUR_TYPES.get(h, h) for h in hits}
        if label.category in names:
            typed += 1
    fps: Counter[str] = Counter()
    for key in run.reported:
        label = by_line.get(key)
        if label is None:
            fps["ordinary code"] += 1
        elif label.kind == "decoy":
            fps[label.category] += 1
    return Score(
        run, len(positives), found, typed, sum(fps.values()),
        {rule: (f, t) for rule, (f, t) in sorted(by_rule.items())}, fps,
        (hard_found, hard_total), missed_hard,
    )  # fmt: skip


def render(scores: list[Score], labels: list[Label], seed: int, files: int) -> str:
    kinds = Counter(label.kind for label in labels)
    n_files = len({label.path for label in labels})
    out = [
        "## Results",
        "",
        "Generated by `python benchmarks/credential_accuracy.py --write docs/accuracy.md`: the "
        "corpus from `benchmarks/credential_corpus.py` "
        f"(seed {seed}, {n_files} files of 14 types, {files} per type) is generated once and "
        "every tool runs on the same files in the same run. "
        f"{kinds['positive']} lines hold a hard-coded WhatsApp/Meta/BSP credential, "
        f"{kinds['decoy']} are decoys (placeholders, environment lookups, WABA/phone/app ids, "
        "hashes and checksums, UUIDs, commit SHAs, lower-case `eaa…` hex, truncated examples) "
        f"and {kinds['neutral']} hold another service's credential (neutral: neither a hit nor "
        "a false positive). Scoring is per line (detect-secrets reports no columns).",
        "",
        "| Tool | Recall | Typed recall | Recall on untuned forms | Precision | False positives "
        "| Time |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        typed = f"{s.typed / s.positives:.1%}" if s.positives else "-"
        hard = f"{s.hard[0]}/{s.hard[1]}"
        out.append(
            f"| {s.run.name} | {s.recall:.1%} ({s.found}/{s.positives}) | {typed} | {hard} "
            f"| {s.precision:.1%} | {s.false_positives} | {s.run.seconds:.2f} s |"
        )
    out += [
        "",
        "*Typed recall*: the finding names the credential (a wabaguard rule, or the matching "
        "wabaguard plugin type in detect-secrets); detect-secrets' built-ins can only say "
        "`Base64 High Entropy String` or `Secret Keyword`.",
        "",
        "### Recall per rule",
        "",
        "| Rule | " + " | ".join(s.run.name for s in scores) + " |",
        "|---|" + "---:|" * len(scores),
    ]
    for rule in sorted(scores[0].by_rule):
        cells = []
        for s in scores:
            f, t = s.by_rule[rule]
            cells.append(f"{f}/{t}")
        out.append(f"| `{rule}` | " + " | ".join(cells) + " |")
    categories = sorted({c for s in scores for c in s.fp_by_category})
    out += [
        "",
        "### False positives by decoy category",
        "",
        "| Category | " + " | ".join(s.run.name for s in scores) + " |",
        "|---|" + "---:|" * len(scores),
    ]
    for category in categories:
        out.append(
            f"| {category} | " + " | ".join(str(s.fp_by_category[category]) for s in scores) + " |"
        )
    return "\n".join(out) + "\n"


START, END = "<!-- generated: start -->", "<!-- generated: end -->"


def _splice(path: Path, report: str) -> str:
    """Replace the generated block of an existing page, keeping its hand-written notes."""
    block = f"{START}\n{report}{END}\n"
    if not path.exists():
        return block
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return block
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + block + tail.lstrip("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--files-per-type", type=int, default=6)
    parser.add_argument("--write", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)
    plugin = subprocess.run(
        ["wabaguard", "plugin-path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="wabaguard-corpus-") as tmp:
        root = Path(tmp)
        labels = generate(root, args.seed, args.files_per_type)
        runs = [
            run_wabaguard(root),
            run_detect_secrets(root, None),
            run_detect_secrets(root, plugin),
        ]
    scores = [score(run, labels) for run in runs]
    report = render(scores, labels, args.seed, args.files_per_type)
    print(report)
    if args.write:
        args.write.write_text(_splice(args.write, report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
