"""The annotated workflow fixtures, run through the public CLI and compared line by line.

Each file in ``tests/fixtures/workflows`` says what it expects (see the README there):
``# NOT OK: <rule-id>[, <rule-id>...]`` on every line that must carry that finding, ``# OK`` on
recommended fixes and near misses that must carry no finding of any rule. The comparison is
exact on the set of ``(line, rule)`` pairs of the workflow rules: a missing finding, a finding
of another workflow rule, or one on an unannotated line all fail, and the failure lists the
offending source lines.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import fakes
from wabaguard import workflows

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "workflows"
DOCS = REPO / "docs" / "rules"

# The permanent ids of the workflow rules (issue 4). Credential-detector findings are not
# compared, except that an `# OK` line must carry no finding at all.
WORKFLOW_RULES = frozenset(rule.id for rule in workflows.all_rules())

_NOT_OK = re.compile(r"#\s*NOT OK:\s*(?P<rules>[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)")
_OK = re.compile(r"#\s*OK\b")
_PLACEHOLDER = re.compile(r"@@(?P<builder>[a-z_0-9]+)@@")


@dataclass(frozen=True)
class Annotations:
    expected: frozenset[tuple[int, str]]  # (line, rule) pairs that must be reported
    ok_lines: frozenset[int]  # lines that must carry no finding of any rule
    lines: tuple[str, ...]  # the source, for readable failure messages


def parse_annotations(text: str) -> Annotations:
    expected: set[tuple[int, str]] = set()
    ok_lines: set[int] = set()
    lines = tuple(text.splitlines())
    for number, line in enumerate(lines, start=1):
        match = _NOT_OK.search(line)
        if match:
            for rule in re.split(r"\s*,\s*", match.group("rules")):
                expected.add((number, rule))
        elif _OK.search(line):
            ok_lines.add(number)
    return Annotations(frozenset(expected), frozenset(ok_lines), lines)


def compare(annotations: Annotations, findings: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every difference between the annotations and the findings, as readable lines."""
    findings = list(findings)
    actual = {(int(f["line"]), str(f["rule"])) for f in findings if f["rule"] in WORKFLOW_RULES}

    def source(line: int) -> str:
        if 1 <= line <= len(annotations.lines):
            return annotations.lines[line - 1].strip()
        return "<no such line>"

    problems = []
    for line, rule in sorted(annotations.expected - actual):
        reported = sorted(r for n, r in actual if n == line)
        also = f" (reported instead: {', '.join(reported)})" if reported else ""
        problems.append(f"missing   {line}: {rule}{also}\n            | {source(line)}")
    for line, rule in sorted(actual - annotations.expected):
        problems.append(f"unexpected {line}: {rule}\n            | {source(line)}")
    for f in findings:
        line, rule = int(f["line"]), str(f["rule"])
        if (line, rule) in annotations.expected and not _points_into_code(annotations, f):
            problems.append(
                f"misplaced {line}: {rule} at columns {f['column']}-{f.get('end_column')}, "
                f"outside the code before the annotation\n            | {source(line)}"
            )
        if line in annotations.ok_lines and rule not in WORKFLOW_RULES:
            problems.append(
                f"unexpected {line}: {rule} on an `# OK` line\n            | {source(line)}"
            )
    return problems


def _points_into_code(annotations: Annotations, finding: Mapping[str, Any]) -> bool:
    """The finding's columns lie in the line's code: after the indent, before the annotation."""
    text = annotations.lines[int(finding["line"]) - 1]
    indent = len(text) - len(text.lstrip())
    annotation = text.find("# NOT OK") + 1  # 1-based column of the annotation's `#`
    column = int(finding.get("column", 0))
    if not indent < column < annotation:
        return False
    end_line, end_column = finding.get("end_line"), finding.get("end_column")
    return end_line != finding["line"] or end_column is None or int(end_column) <= annotation


def workflow_path(fixture: Path) -> str:
    """Where the scanner must see the fixture: a workflow, or an action in its own directory."""
    if fixture.name in ("action.yml", "action.yaml") and fixture.parent.name != "realistic":
        return f"{fixture.parent.name}/{fixture.name}"
    name = fixture.name.removesuffix(".in")
    return f".github/workflows/{name}"


def fixture_files() -> list[Path]:
    """Our own cases, actions in subdirectories, adapted third-party suites, realistic workflows."""
    return [
        *sorted(FIXTURES.glob("*.yml")),
        *sorted(FIXTURES.glob("*/action.y*ml")),
        *sorted(FIXTURES.glob("external/*.yml")),
        *sorted(FIXTURES.glob("realistic/*.yml")),
        *sorted(FIXTURES.glob("realistic/*/action.y*ml")),
        *sorted(FIXTURES.glob("wild/*.yml")),
    ]


def render_template(text: str) -> tuple[str, list[str]]:
    """Fill ``@@builder@@`` placeholders with fake credentials built by ``tests/fakes.py``."""
    values: list[str] = []

    def build(match: re.Match[str]) -> str:
        builder = getattr(fakes, match.group("builder"))
        values.append(str(builder(seed=4)))
        return values[-1]

    return _PLACEHOLDER.sub(build, text), values


def scan(tmp_path: Path, relpath: str, text: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``wabaguard scan <file> --format json`` in-process, from a scratch directory."""
    from wabaguard.cli import main

    target = tmp_path / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    report = tmp_path / "report.json"
    # A scratch directory: no repository config (and its excludes) applies to the fixture.
    monkeypatch.chdir(tmp_path)
    code = main(["scan", relpath, "--format", "json", "--output", str(report), "--no-progress"])
    assert code in (0, 1), f"wabaguard scan exited {code}"
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["version"] == 1
    assert document["errors"] == [], f"the fixture did not scan cleanly: {document['errors']}"
    return document


def findings_for(document: Any, relpath: str) -> list[Mapping[str, Any]]:
    """The file's findings; one that names related rules (the same value, found by several
    rules, is one finding) stands for each of them too."""
    found: list[Mapping[str, Any]] = []
    for f in document["findings"]:
        if f["path"] == relpath:
            found.append(f)
            found.extend({**f, "rule": rule} for rule in f["related_rules"])
    return found


@pytest.mark.parametrize("fixture", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture(fixture: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = fixture.read_text(encoding="utf-8")
    relpath = workflow_path(fixture)
    document = scan(tmp_path, relpath, text, monkeypatch)
    problems = compare(parse_annotations(text), findings_for(document, relpath))
    assert not problems, f"{fixture.name}:\n" + "\n".join(problems)


def test_fixture_with_generated_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Format-valid fake tokens, built at run time: each one must be reported on its line.

    Either ``hardcoded-credential`` or a credential detector may claim the line, so this test
    accepts any finding there; unannotated lines still carry no workflow-rule finding.
    """
    template = FIXTURES / "hardcoded-credential-formats.yml.in"
    text, tokens = render_template(template.read_text(encoding="utf-8"))
    assert "@@" not in text
    relpath = workflow_path(template)
    document = scan(tmp_path, relpath, text, monkeypatch)
    findings = findings_for(document, relpath)
    annotations = parse_annotations(text)
    reported_lines = {int(f["line"]) for f in findings}
    missing = sorted(line for line, _ in annotations.expected if line not in reported_lines)
    assert not missing, f"no finding on lines {missing}"
    annotated = {line for line, _ in annotations.expected}
    stray = sorted(
        (int(f["line"]), f["rule"])
        for f in findings
        if f["rule"] in WORKFLOW_RULES and int(f["line"]) not in annotated
    )
    assert not stray, f"unexpected workflow findings {stray}"
    # The report refers to the tokens without repeating them.
    report = json.dumps(document)
    assert not [token for token in tokens if token in report]


# --- the suite itself -------------------------------------------------------------------------


def _all_annotations() -> dict[str, Annotations]:
    files = [*fixture_files(), FIXTURES / "hardcoded-credential-formats.yml.in"]
    return {str(f.relative_to(FIXTURES)): parse_annotations(f.read_text()) for f in files}


def test_every_annotation_names_a_workflow_rule() -> None:
    unknown = {
        (name, line, rule)
        for name, ann in _all_annotations().items()
        for line, rule in ann.expected
        if rule not in WORKFLOW_RULES
    }
    assert not unknown


def test_every_rule_has_hits_and_a_documentation_page() -> None:
    covered = {rule for ann in _all_annotations().values() for _, rule in ann.expected}
    assert covered == WORKFLOW_RULES
    for rule in sorted(WORKFLOW_RULES):
        page = DOCS / f"{rule}.md"
        assert page.is_file(), f"no docs/rules/{rule}.md"
        assert page.read_text(encoding="utf-8").startswith(f"# {rule}: ")


def test_the_recommended_fixes_are_all_present() -> None:
    """Issue 4 lists fixes that must never be flagged; each appears on an `# OK` line."""
    ok_text = "\n".join(
        ann.lines[line - 1] for ann in _all_annotations().values() for line in ann.ok_lines
    )
    for needle in (
        "--password-stdin",
        "-H @-",
        "<<<",
        "docker run --rm -e API_TOKEN app",
        "${#",
        'test -n "$',
        "::add-mask::",
        "password: ${{ secrets.",
        "API_TOKEN: ${{ secrets.API_TOKEN }}",
        "# curl -H",
        "${{ github.sha }}",
    ):
        assert needle in ok_text, needle


def test_no_token_shaped_literal_is_committed() -> None:
    shapes = re.compile(
        r"EAA[A-Za-z0-9]{80,}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_\w{40,}|AKIA[0-9A-Z]{16}"
        r"|xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY"
    )
    for path in FIXTURES.rglob("*"):
        if path.is_file():
            assert not shapes.search(path.read_text(encoding="utf-8")), path


def test_detect_secrets_reports_nothing_in_the_fixtures() -> None:
    """Plain detect-secrets, default plugins: the committed fixtures and rule pages scan clean."""
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

    secrets = SecretsCollection()
    with default_settings():
        for path in [*FIXTURES.rglob("*"), *(DOCS / f"{rule}.md" for rule in WORKFLOW_RULES)]:
            if path.is_file() and path.suffix in (".yml", ".in", ".md"):
                secrets.scan_file(str(path))
    assert not {name: len(found) for name, found in secrets.data.items() if found}


# --- the comparison can fail ------------------------------------------------------------------

_SAMPLE = """\
steps:
  - run: ./deploy --token ${{ secrets.T }}  # NOT OK: secret-in-argv
  - run: echo ok  # OK
  - run: printenv  # NOT OK: env-dump-with-secrets, trace-with-secrets
"""


def _finding(line: int, rule: str, column: int = 10) -> dict[str, Any]:
    return {
        "line": line,
        "rule": rule,
        "path": "x.yml",
        "column": column,
        "end_line": line,
        "end_column": column + 3,
    }


@pytest.mark.parametrize(
    ("findings", "expected_problems"),
    [
        (
            [
                _finding(2, "secret-in-argv"),
                _finding(4, "env-dump-with-secrets"),
                _finding(4, "trace-with-secrets"),
            ],
            [],
        ),
        (
            [_finding(4, "env-dump-with-secrets"), _finding(4, "trace-with-secrets")],
            ["missing   2"],
        ),
        (
            [
                _finding(1, "secret-in-argv"),
                _finding(4, "env-dump-with-secrets"),
                _finding(4, "trace-with-secrets"),
            ],
            ["missing   2", "unexpected 1"],
        ),
        (
            [
                _finding(2, "secret-printed"),
                _finding(4, "env-dump-with-secrets"),
                _finding(4, "trace-with-secrets"),
            ],
            ["missing   2: secret-in-argv (reported instead: secret-printed)", "unexpected 2"],
        ),
        (
            [
                _finding(2, "secret-in-argv"),
                _finding(3, "meta-access-token"),
                _finding(4, "env-dump-with-secrets"),
                _finding(4, "trace-with-secrets"),
            ],
            ["unexpected 3: meta-access-token on an `# OK` line"],
        ),
        (
            [
                _finding(2, "secret-in-argv"),
                _finding(2, "meta-access-token"),
                _finding(4, "env-dump-with-secrets"),
                _finding(4, "trace-with-secrets"),
            ],
            [],
        ),
        (
            [
                _finding(2, "secret-in-argv", column=50),
                _finding(4, "env-dump-with-secrets", column=1),
                _finding(4, "trace-with-secrets"),
            ],
            ["misplaced 2: secret-in-argv", "misplaced 4: env-dump-with-secrets"],
        ),
    ],
)
def test_compare(findings: Sequence[Mapping[str, Any]], expected_problems: list[str]) -> None:
    problems = compare(parse_annotations(_SAMPLE), findings)
    assert len(problems) == len(expected_problems)
    for problem, expected in zip(problems, expected_problems, strict=True):
        assert problem.startswith(expected), problem


def test_parse_annotations() -> None:
    ann = parse_annotations(_SAMPLE)
    assert ann.expected == {
        (2, "secret-in-argv"),
        (4, "env-dump-with-secrets"),
        (4, "trace-with-secrets"),
    }
    assert ann.ok_lines == {3}


def test_workflow_path() -> None:
    assert workflow_path(FIXTURES / "secret-in-argv.yml") == ".github/workflows/secret-in-argv.yml"
    action = FIXTURES / "composite-deploy" / "action.yml"
    assert workflow_path(action) == "composite-deploy/action.yml"
    assert (
        workflow_path(FIXTURES / "hardcoded-credential-formats.yml.in")
        == ".github/workflows/hardcoded-credential-formats.yml"
    )


# --- the accuracy benchmark reads the annotations the same way --------------------------------


def _load_benchmark() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "workflow_accuracy", REPO / "benchmarks" / "workflow_accuracy.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def test_benchmark_agrees_with_the_harness() -> None:
    benchmark = _load_benchmark()
    assert set(benchmark.WORKFLOW_RULES) == WORKFLOW_RULES
    fixtures = benchmark.collect_fixtures(FIXTURES)
    assert {f.source for f in fixtures} == set(fixture_files())
    for fixture in fixtures:
        ours = parse_annotations(fixture.source.read_text(encoding="utf-8"))
        assert (fixture.expected, fixture.ok_lines) == (ours.expected, ours.ok_lines)
        assert fixture.relpath == workflow_path(fixture.source)
    for rules in benchmark.ZIZMOR_TO_WABAGUARD.values():
        assert rules <= WORKFLOW_RULES


def test_benchmark_scoring() -> None:
    benchmark = _load_benchmark()
    ann = parse_annotations(_SAMPLE)
    fixture = benchmark.Fixture(Path("x.yml"), "x.yml", ann.expected, ann.ok_lines)
    tool = benchmark.ToolFinding
    result = benchmark.score(
        "t",
        [fixture],
        [
            tool("x.yml", 2, frozenset({"secret-in-argv", "secret-printed"})),  # hit
            tool("x.yml", 1, frozenset({"env-dump-with-secrets"}), frozenset({1, 4})),  # hit
            tool("x.yml", 3, frozenset({"secret-printed"})),  # on an # OK line
            tool("x.yml", 4, frozenset({"secret-printed"})),  # wrong rule
            tool("other.yml", 2, frozenset({"secret-in-argv"})),  # not a fixture
        ],
    )
    assert result.pairs == 3
    assert result.hits == {("x.yml", 2, "secret-in-argv"), ("x.yml", 4, "env-dump-with-secrets")}
    assert (result.hit_findings, result.ok_line_findings, result.other_findings) == (2, 1, 1)
    assert result.precision == 2 / 3
    assert result.strict_precision == 2 / 4
