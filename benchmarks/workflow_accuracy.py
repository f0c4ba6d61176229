"""Recall and precision of wabaguard and zizmor on the annotated workflow fixtures.

Runs, in one invocation and on the same copies of ``tests/fixtures/workflows``:

* ``wabaguard scan <files> --format json``;
* ``zizmor --persona regular`` and ``zizmor --persona pedantic`` (``--offline --no-config
  --format json``);

and scores each tool against the fixtures' ``# NOT OK: <rule>`` / ``# OK`` annotations.

Scoring (the same for every tool):

* Only findings of rules that are in scope count: wabaguard's 22 workflow rules, and the zizmor
  audits listed in ``ZIZMOR_TO_WABAGUARD`` (a zizmor audit may stand for several of our rules;
  a finding counts for whichever of them is annotated on its line).
* A finding covers the lines of its primary and related locations (zizmor reports spans, e.g. a
  whole ``credentials:`` block, or ``uses:`` with ``secrets: inherit`` as a related location).
* **Hit**: an annotated ``(line, rule)`` pair with an in-scope finding of that rule covering it.
  Recall = hits / annotated pairs.
* **False positive on an `# OK` line**: an in-scope finding that hits nothing and whose primary
  location starts on a line marked ``# OK``.
  Precision = findings that hit / (findings that hit + findings on `# OK` lines).
* **Strict precision** also counts as false every in-scope finding on an unannotated line or on a
  ``# NOT OK`` line with a different rule (what ``tests/workflows/test_fixtures.py`` enforces).

Usage::

    python benchmarks/workflow_accuracy.py                 # print the tables
    python benchmarks/workflow_accuracy.py --write docs/workflow-accuracy.md
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wabaguard import workflows

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "workflows"

WORKFLOW_RULES = tuple(rule.id for rule in workflows.all_rules())

# zizmor audits that overlap with our rules, and which of our rules each can stand for.
# `template-injection` (pedantic for `secrets.*`; regular for `env.*` and composite `inputs.*`)
# reports any `${{ }}` in a script, so it is credited for every rule whose sink is an expression
# in a `run:` script. zizmor's other audits (unpinned-uses, excessive-permissions, …) are about
# other risks and are ignored.
ZIZMOR_TO_WABAGUARD: Mapping[str, frozenset[str]] = {
    "overprovisioned-secrets": frozenset({"all-secrets-exposed", "dynamic-secret-index"}),
    "unredacted-secrets": frozenset({"unmasked-secret-field"}),
    "secrets-inherit": frozenset({"secrets-inherit"}),
    "hardcoded-container-credentials": frozenset({"hardcoded-credential"}),
    "dangerous-triggers": frozenset({"secrets-in-untrusted-trigger"}),
    "template-injection": frozenset(
        {
            "secret-in-argv",
            "secret-in-url",
            "secret-in-docker-args",
            "secret-printed",
            "secret-in-step-summary",
            "secret-to-github-env",
            "secret-in-artifact",
            "all-secrets-exposed",
            "unmasked-secret-field",
            "transformed-secret-printed",
            "trace-with-secrets",
        }
    ),
}

MAPPING_NOTES = {
    "overprovisioned-secrets": "`toJSON(secrets)` and `secrets[<computed>]`",
    "unredacted-secrets": "`fromJSON(secrets.X)`",
    "secrets-inherit": "same check",
    "hardcoded-container-credentials": "container/service `credentials.password` only",
    "dangerous-triggers": "any `pull_request_target`/`workflow_run`, reported at `on:`",
    "template-injection": "any `${{ }}` in a script; `secrets.*` only in the pedantic persona",
}

_NOT_OK = re.compile(r"#\s*NOT OK:\s*(?P<rules>[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)")
_OK = re.compile(r"#\s*OK\b")


@dataclass(frozen=True)
class Fixture:
    source: Path
    relpath: str  # where the tools see it, relative to the scratch directory
    expected: frozenset[tuple[int, str]]
    ok_lines: frozenset[int]
    group: str = "authored"  # "authored" (written for wabaguard) or "external" (adapted)


@dataclass(frozen=True)
class ToolFinding:
    relpath: str
    line: int  # where the primary location starts
    rules: frozenset[str]  # which of our rules this finding can stand for
    span: frozenset[int] = frozenset()  # every line of its primary and related locations


@dataclass
class Score:
    tool: str
    pairs: int = 0
    hits: set[tuple[str, int, str]] = field(default_factory=set)
    hit_findings: int = 0
    ok_line_findings: int = 0
    other_findings: int = 0
    seconds: float = 0.0
    per_rule: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    @property
    def recall(self) -> float:
        return len(self.hits) / self.pairs if self.pairs else 0.0

    @property
    def precision(self) -> float | None:
        denominator = self.hit_findings + self.ok_line_findings
        return self.hit_findings / denominator if denominator else None

    @property
    def strict_precision(self) -> float | None:
        denominator = self.hit_findings + self.ok_line_findings + self.other_findings
        return self.hit_findings / denominator if denominator else None


GROUPS = (
    (
        "authored",
        "Authored suite (written for wabaguard's rules; the implementation was developed "
        "against it)",
    ),
    (
        "realistic",
        "Realistic workflows (release, deploy, publish, backup; written after the rules, each "
        "round first measured before the implementation had seen it)",
    ),
    (
        "external",
        "Adapted third-party fixtures (zizmor, sisakulint, github-actions-goat; annotated "
        "for wabaguard's rules)",
    ),
)


def parse_annotations(text: str) -> tuple[frozenset[tuple[int, str]], frozenset[int]]:
    expected: set[tuple[int, str]] = set()
    ok_lines: set[int] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = _NOT_OK.search(line)
        if match:
            expected.update((number, rule) for rule in re.split(r"\s*,\s*", match.group("rules")))
        elif _OK.search(line):
            ok_lines.add(number)
    return frozenset(expected), frozenset(ok_lines)


def collect_fixtures(root: Path) -> list[Fixture]:
    """Every committed fixture (the generated-token template is left out: it needs fakes)."""
    fixtures = []
    sources = [
        *sorted(root.glob("*.yml")),
        *sorted(root.glob("*/action.y*ml")),
        *sorted(root.glob("external/*.yml")),
        *sorted(root.glob("realistic/*.yml")),
        *sorted(root.glob("realistic/*/action.y*ml")),
    ]
    for source in sources:
        relative = source.relative_to(root).parts
        group = relative[0] if relative[0] in ("external", "realistic") else "authored"
        if source.name.startswith("action.") and source.parent.name not in (
            "external",
            "realistic",
        ):
            relpath = f"{source.parent.name}/{source.name}"
        else:
            relpath = f".github/workflows/{source.name}"
        expected, ok_lines = parse_annotations(source.read_text(encoding="utf-8"))
        fixtures.append(Fixture(source, relpath, expected, ok_lines, group))
    return fixtures


def lay_out(fixtures: Sequence[Fixture], scratch: Path) -> None:
    for fixture in fixtures:
        target = scratch / fixture.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fixture.source, target)


def run_wabaguard(fixtures: Sequence[Fixture], scratch: Path) -> list[ToolFinding]:
    report = scratch.parent / "wabaguard.json"
    command = [
        sys.executable,
        "-m",
        "wabaguard",
        "scan",
        "--format",
        "json",
        "--output",
        str(report),
        "--no-progress",
        *(f.relpath for f in fixtures),
    ]
    done = subprocess.run(command, cwd=scratch, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"wabaguard exited {done.returncode}: {done.stderr.strip()}")
    document = json.loads(report.read_text(encoding="utf-8"))
    for error in document.get("errors", []):
        print(f"wabaguard error: {error}", file=sys.stderr)
    return [
        ToolFinding(
            f["path"],
            int(f["line"]),
            frozenset({f["rule"]}),
            frozenset(range(int(f["line"]), int(f.get("end_line", f["line"])) + 1)),
        )
        for f in document["findings"]
        if f["rule"] in WORKFLOW_RULES
    ]


def run_zizmor(scratch: Path, persona: str) -> list[ToolFinding]:
    command = [
        "zizmor",
        "--offline",
        "--no-config",
        "--no-progress",
        "--persona",
        persona,
        "--format",
        "json",
        ".",
    ]
    done = subprocess.run(command, cwd=scratch, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 11, 12, 13, 14):
        raise SystemExit(f"zizmor exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    findings = []
    for finding in json.loads(done.stdout):
        rules = ZIZMOR_TO_WABAGUARD.get(finding["ident"])
        if rules is None:
            continue
        primary: tuple[str, int] | None = None
        span: set[int] = set()
        for location in finding["locations"]:
            kind = location["symbolic"]["kind"]
            if kind not in ("Primary", "Related"):
                continue
            path = location["symbolic"]["key"]["Local"]["verbatim_path"].removeprefix("./")
            where = location["concrete"]["location"]
            start, end = where["start_point"]["row"] + 1, where["end_point"]["row"] + 1
            span.update(range(start, end + 1))
            if kind == "Primary" and primary is None:
                primary = (path, start)
        if primary is not None:
            findings.append(ToolFinding(primary[0], primary[1], rules, frozenset(span)))
    return findings


def score(tool: str, fixtures: Sequence[Fixture], findings: Iterable[ToolFinding]) -> Score:
    result = Score(tool)
    by_path = {f.relpath: f for f in fixtures}
    for fixture in fixtures:
        result.pairs += len(fixture.expected)
        for _, rule in fixture.expected:
            result.per_rule[rule][1] += 1
    for finding in findings:
        target = by_path.get(finding.relpath)
        if target is None:
            continue
        lines = finding.span | {finding.line}
        matched = {
            (line, rule)
            for line, rule in target.expected
            if line in lines and rule in finding.rules
        }
        if matched:
            result.hit_findings += 1
            for line, rule in matched:
                if (target.relpath, line, rule) not in result.hits:
                    result.hits.add((target.relpath, line, rule))
                    result.per_rule[rule][0] += 1
        elif finding.line in target.ok_lines:
            result.ok_line_findings += 1
        else:
            result.other_findings += 1
    return result


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def render(scores: Sequence[Score], fixtures: Sequence[Fixture]) -> str:
    ok_total = sum(len(f.ok_lines) for f in fixtures)
    pairs = scores[0].pairs
    lines = [
        "| tool | hits / annotated | recall | findings on `# OK` lines | precision "
        "| other in-scope findings | strict precision |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.tool} | {len(s.hits)} / {pairs} | {_pct(s.recall)} | {s.ok_line_findings} "
            f"| {_pct(s.precision)} | {s.other_findings} | {_pct(s.strict_precision)} |"
        )
    lines += [
        "",
        f"{len(fixtures)} files, {pairs} annotated `(line, rule)` pairs, {ok_total} `# OK` lines.",
        "",
        "Per rule (hits / annotated):",
        "",
        "| rule | " + " | ".join(s.tool for s in scores) + " |",
        "|---|" + "---|" * len(scores),
    ]
    for rule in WORKFLOW_RULES:
        if not scores[0].per_rule[rule][1]:
            continue
        cells = [f"{s.per_rule[rule][0]} / {s.per_rule[rule][1]}" for s in scores]
        lines.append(f"| `{rule}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_mapping() -> str:
    lines = ["| zizmor audit | what it reports | counted as our rule(s) |", "|---|---|---|"]
    for audit, rules in ZIZMOR_TO_WABAGUARD.items():
        names = ", ".join(f"`{r}`" for r in sorted(rules))
        lines.append(f"| `{audit}` | {MAPPING_NOTES[audit]} | {names} |")
    return "\n".join(lines) + "\n"


DOC_HEADER = """\
# Workflow-rule accuracy: wabaguard and zizmor on the annotated fixtures

Generated by `benchmarks/workflow_accuracy.py`; do not edit by hand. Reproduce with:

```console
$ pip install -e '.[test]'  # the test extra pins zizmor
$ python benchmarks/workflow_accuracy.py --write docs/workflow-accuracy.md
```

Three corpora, all in `tests/fixtures/workflows/` (see its README), where every line that must be
reported carries `# NOT OK: <rule>` and every recommended fix or near miss carries `# OK`:

* the **authored suite**, written for wabaguard's 22 workflow rules. The analysis was developed
  against it (the same cases are the test suite), so wabaguard's score there shows that the
  rules do what their fixtures say, not how they generalise;
* **realistic workflows** (`realistic/`): whole release, deploy and publish workflows mixing
  good and bad practice, and clean ones that must produce nothing, written after the rules in
  three rounds. Each round's first measurement, taken before the analysis had seen it, is
  recorded below; the table shows the current state;
* the **adapted third-party fixtures** (`external/`): test workflows of zizmor, sisakulint and
  github-actions-goat, annotated for wabaguard's rules. They were added after the rules were
  written, so they are the fairer comparison; but the analysis has since been adjusted where
  they disagreed (a second check, not a blind test), they are small (one or two rules per
  file), and the annotations are ours, not the upstream tools' own verdicts.

All tools run in the same invocation over the same copies (workflows under
`.github/workflows/`, actions as `<dir>/action.yml`); zizmor runs `--offline --no-config`. The
fixtures target secret hygiene, so this measures how much of *that* problem space each tool
covers, not zizmor's overall quality: most of its audits address other risks and are out of
scope here.

How findings are scored (identical for every tool): only in-scope findings count (wabaguard's
workflow rules; the zizmor audits in the mapping below); a finding sits on the line of its
primary location and covers the lines of its primary and related locations (zizmor reports
spans: a whole `credentials:` block; `uses:` with `secrets: inherit` as a related location); a
**hit** is an annotated `(line, rule)` pair covered by a finding that can stand for that rule;
a finding that hits nothing and starts on an `# OK` line is a false positive;
**precision** = findings that hit / (findings that hit + false positives on `# OK` lines);
**strict precision** also counts findings on unannotated lines, or with a rule other than the
annotated one, as false (the exact comparison `tests/workflows/test_fixtures.py` enforces for
wabaguard).

## Results

"""

# Each round of realistic workflows was measured once before the analysis had seen it. Later runs
# of this script reflect any changes made since, so those first results are kept here, by hand.
FIRST_BLIND_RUN = """
### First measurements of the realistic workflows, before the analysis had seen them

Round 1 (11 files: releases, image build, SSH and Kubernetes deploys, Terraform, Pages, backup,
GitHub App bot, composite setup action), recorded at commit `3777a9d` (2026-11-25) with the
files not yet committed: wabaguard found 17 of 19 annotated pairs (89.5% recall), with no
finding on an `# OK` line and one finding with a different rule (strict precision 94.4%); zizmor
found 3 of 19 in the regular persona (3 findings on `# OK` lines) and 9 of 19 in the pedantic
persona (8 on `# OK` lines). The two misses: a Telegram bot token in a URL's path was reported
as `secret-in-argv` rather than `secret-in-url` (a policy question the fixtures' README now
settles), and `actions/upload-pages-artifact` was not recognised as an artifact upload.

Round 2 (9 files: signed Go and Android releases, Maven with Sonar, a `workflow_run` notifier,
matrix environments with tracing, Cloud Run, Helm, Windows code signing, reusable-workflow
callers), recorded at commit `cc70b51`: wabaguard found 12 of 13 annotated pairs, with no
finding on an `# OK` line or elsewhere; zizmor found 1 of 13 (regular) and 3 of 13 (pedantic,
3 findings on `# OK` lines). The miss: a minted access token expanded on `curl`'s argv after its
`::add-mask::` was not reported (`secret-env-in-argv`; masking protects the log, not the process
list).

Round 3 (6 clean workflows, 213 lines, nothing to report: Python CI, release-please with npm
provenance, a BuildKit multi-arch image, AWS OIDC with Secrets Manager, Dependabot auto-merge,
a careful shell sync job), recorded at commit `3088128`: wabaguard reported one false positive,
`secret-printed` on a shell function that prints the token only into a process substitution
(`curl -H @<(auth)`); zizmor reported `dangerous-triggers` on the Dependabot auto-merge workflow
(`pull_request_target` without a checkout) in both personas, and in the pedantic persona two
`template-injection` findings on a `${{ matrix.* }}` line.
"""

DOC_MAPPING = """
## zizmor audits mapped to wabaguard rules

{mapping}
zizmor reports `dangerous-triggers` at the `on:` key, while the fixtures annotate the line that
checks out pull-request code, so line matching gives that audit no hits even where it fires in
the right file (it fires on every `pull_request_target`/`workflow_run` workflow, with or without
secrets or a PR checkout). `template-injection` is credited generously: it fires on any
expression in a script, whatever the expression holds, so its hits are counted for every sink
rule that has a `${{{{ secrets.… }}}}` spelling. zizmor's `secrets-outside-env` (auditor persona
only) is not run.
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--write", type=Path, help="also write the markdown report to this file")
    args = parser.parse_args(argv)

    fixtures = collect_fixtures(args.fixtures)
    versions = {
        "wabaguard": subprocess.run(
            [sys.executable, "-m", "wabaguard", "--version"],
            capture_output=True,
            text=True,
            check=False,
        )
        .stdout.strip()
        .split()[-1],
        "zizmor": subprocess.run(
            ["zizmor", "--version"], capture_output=True, text=True, check=False
        )
        .stdout.strip()
        .split()[-1],
    }
    runs: list[tuple[str, Callable[[Path], list[ToolFinding]]]] = [
        ("wabaguard", lambda scratch: run_wabaguard(fixtures, scratch)),
        ("zizmor (regular)", lambda scratch: run_zizmor(scratch, "regular")),
        ("zizmor (pedantic)", lambda scratch: run_zizmor(scratch, "pedantic")),
    ]
    findings: dict[str, list[ToolFinding]] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="wg-accuracy-") as tmp:
        scratch = Path(tmp) / "repo"
        lay_out(fixtures, scratch)
        for tool, run in runs:
            started = time.perf_counter()
            findings[tool] = run(scratch)
            seconds[tool] = time.perf_counter() - started

    sections = []
    for group, title in GROUPS:
        subset = [f for f in fixtures if f.group == group]
        if not subset:
            continue
        scores = [score(tool, subset, findings[tool]) for tool, _ in runs]
        sections.append(f"### {title}\n\n" + render(scores, subset))
    timing = (
        "All three ran in one invocation over the same copies of the "
        f"{len(fixtures)} files. Versions and wall time: "
        + ", ".join(
            f"{tool} {versions[tool.split()[0]]} ({seconds[tool]:.2f} s)" for tool, _ in runs
        )
        + ".\n"
    )
    report = "\n".join(sections) + "\n" + timing
    print(report)
    if args.write:
        text = DOC_HEADER + report + FIRST_BLIND_RUN + DOC_MAPPING.format(mapping=render_mapping())
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
