"""``wabaguard: ignore[...]`` is parsed strictly: what looks like a pragma but is not one
suppresses nothing and says so; suppressed findings are counted in every format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import fakes

WORKFLOW = (
    "on: push\npermissions: {{}}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
    '      - run: echo "${{{{ secrets.TOKEN }}}}"  {comment}\n'
)


def _scan(run_cli: Any, root: Path, *args: str) -> Any:
    result = run_cli("scan", ".", "--format", "json", *args, cwd=root)
    assert result.code in (0, 1), result.err
    return result.json()


def _rules(doc: Any) -> list[tuple[int, str]]:
    return sorted((f["line"], f["rule"]) for f in doc["findings"])


@pytest.fixture
def key() -> str:
    return fakes.aws_access_key_id(seed=41)


@pytest.mark.parametrize(
    "comment",
    [
        "# wabaguard: ignore",
        "# wabaguard: ignore[aws-access-key]",
        "# wabaguard:ignore[aws-access-key]",
        "# wabaguard: ignore[secret-printed, aws-access-key]",
        "// wabaguard: ignore[aws-access-key] (rotated 2026-11-02)",
        "/* wabaguard: ignore */",
        "<!-- wabaguard: ignore-->",
        "# wabaguard: ignore -- accepted, see #123",
    ],
)
def test_valid_pragmas_suppress(run_cli: Any, tmp_path: Path, key: str, comment: str) -> None:
    (tmp_path / "settings.py").write_text(f'AWS = "{key}"  {comment}\n', encoding="utf-8")
    doc = _scan(run_cli, tmp_path)
    assert doc["findings"] == []
    assert doc["stats"]["findings_suppressed"] == 1


@pytest.mark.parametrize(
    ("comment", "problem"),
    [
        ("# wabaguard: ignore [aws-access-key]", "a space between `ignore` and `[`"),
        ("# wabaguard: ignore[]", "`ignore[]` names no rule"),
        ("# wabaguard: ignore[aws-access-key", "`ignore[` is never closed"),
        ("# wabaguard: ignore-next-line", "`ignore-next-line` is not a wabaguard directive"),
        ("# wabaguard: ignored", "`ignored` is not a wabaguard directive"),
        ("# wabaguard: ignore[aws-acess-key]", "unknown rule id(s) aws-acess-key"),
        ("# wabaguard: ignore[AWS key]", "not a rule id: 'AWS key'"),
        ("# wabaguard: ignore[aws-access-key,,x]", "not a rule id: ''"),
    ],
)
def test_malformed_pragmas_suppress_nothing_and_are_reported(
    run_cli: Any, tmp_path: Path, key: str, comment: str, problem: str
) -> None:
    (tmp_path / "settings.py").write_text(f'AWS = "{key}"  {comment}\n', encoding="utf-8")
    doc = _scan(run_cli, tmp_path)
    assert _rules(doc) == [(1, "aws-access-key"), (1, "invalid-suppression")]
    [warning] = [f for f in doc["findings"] if f["rule"] == "invalid-suppression"]
    assert problem in warning["message"]
    assert warning["column"] == len(f'AWS = "{key}"  ') + len(comment.split("wabaguard")[0]) + 1
    assert warning["severity"] == "medium"
    assert doc["stats"]["findings_suppressed"] == 0


def test_workflow_rules_use_the_same_parser(run_cli: Any, tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    path = workflows / "ci.yml"
    path.write_text(WORKFLOW.format(comment="# wabaguard: ignore[secret-printed]"))
    assert _scan(run_cli, tmp_path)["findings"] == []
    path.write_text(WORKFLOW.format(comment="# wabaguard: ignore [secret-printed]"))
    assert _rules(_scan(run_cli, tmp_path)) == [(7, "invalid-suppression"), (7, "secret-printed")]
    path.write_text(WORKFLOW.format(comment="# wabaguard: ignore[aws-access-key]"))
    assert _rules(_scan(run_cli, tmp_path)) == [(7, "secret-printed")]  # another rule's


def test_a_pragma_on_a_line_without_findings_is_not_reported(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("Write `# wabaguard: ignore[rule-id]` on the line.\n")
    doc = _scan(run_cli, tmp_path)
    assert doc["findings"] == []


def test_invalid_suppression_can_be_disabled(run_cli: Any, tmp_path: Path, key: str) -> None:
    (tmp_path / ".wabaguard.toml").write_text('disable = ["invalid-suppression"]\n')
    (tmp_path / "settings.py").write_text(f'AWS = "{key}"  # wabaguard: ignore[]\n')
    assert _rules(_scan(run_cli, tmp_path)) == [(1, "aws-access-key")]  # still not suppressed


def test_allowlist_pragma_counts_as_suppressed(run_cli: Any, tmp_path: Path, key: str) -> None:
    (tmp_path / "a.py").write_text(f'AWS = "{key}"  # pragma: allowlist secret\n')
    (tmp_path / "b.py").write_text(f'# pragma: allowlist nextline secret\nAWS = "{key}"\n')
    doc = _scan(run_cli, tmp_path)
    assert doc["findings"] == []
    assert doc["stats"]["findings_suppressed"] == 2


def test_suppressed_count_in_every_format(run_cli: Any, tmp_path: Path, key: str) -> None:
    other = fakes.github_token(seed=42)
    (tmp_path / "settings.py").write_text(
        f'AWS = "{key}"  # wabaguard: ignore[aws-access-key]\nGH = "{other}"\n'
    )
    text = run_cli("scan", ".", cwd=tmp_path).out
    assert "1 suppressed" in text.splitlines()[-1]
    sarif = json.loads(run_cli("scan", ".", "--format", "sarif", cwd=tmp_path).out)
    assert sarif["runs"][0]["properties"]["findingsSuppressed"] == 1
    markdown = run_cli("scan", ".", "--format", "markdown", cwd=tmp_path).out
    assert "1 suppressed" in markdown
    doc = _scan(run_cli, tmp_path)
    assert doc["stats"]["findings_suppressed"] == 1
    assert _rules(doc) == [(2, "github-token")]


def test_baseline_suppressions_are_counted(run_cli: Any, tmp_path: Path, key: str) -> None:
    (tmp_path / "settings.py").write_text(f'AWS = "{key}"\n')
    assert run_cli("baseline", ".secrets.baseline", cwd=tmp_path).code == 0
    doc = _scan(run_cli, tmp_path, "--baseline", ".secrets.baseline")
    assert doc["findings"] == []
    assert doc["stats"]["findings_suppressed"] == 1


def test_one_value_found_by_two_rules_is_one_finding(run_cli: Any, tmp_path: Path) -> None:
    """A key in a workflow's env is found by its detector and by hardcoded-credential: one
    finding, by the more specific rule, naming the other."""
    key = fakes.aws_access_key_id(seed=43)
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        f"    env:\n      AWS_ACCESS_KEY_ID: {key}\n    steps:\n      - run: make\n"
    )
    doc = _scan(run_cli, tmp_path)
    assert [(f["line"], f["rule"], f["related_rules"]) for f in doc["findings"]] == [
        (7, "aws-access-key", ["hardcoded-credential"])
    ]
    sarif = json.loads(run_cli("scan", ".", "--format", "sarif", cwd=tmp_path).out)
    [result] = sarif["runs"][0]["results"]
    assert result["properties"]["relatedRules"] == ["hardcoded-credential"]
    assert "aws-access-key (+hardcoded-credential)" in run_cli("scan", ".", cwd=tmp_path).out
    # Ignoring the reporting rule ignores the value; naming only the related one does not.
    text = (workflows / "ci.yml").read_text()
    (workflows / "ci.yml").write_text(
        text.replace(key, f"{key}  # wabaguard: ignore[aws-access-key]")
    )
    assert _scan(run_cli, tmp_path)["findings"] == []
    # With the specific rule disabled, the other one reports the value.
    (tmp_path / ".wabaguard.toml").write_text('disable = ["aws-access-key"]\n')
    (workflows / "ci.yml").write_text(text)
    assert _rules(_scan(run_cli, tmp_path)) == [(7, "hardcoded-credential")]
