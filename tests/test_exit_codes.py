"""Exit codes and analysis problems through the CLI: errors fail the run (2) unless
--no-fail-on-error, warnings never do, findings (1) win over errors; every format lists them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import fakes
from sarif_check import assert_valid_sarif

FORMATS = ("text", "json", "sarif", "github", "markdown")
BROKEN_WORKFLOW = "on: push\njobs:\n  t:\n    steps: [unclosed\n"


def broken_workflow(root: Path) -> str:
    wf = root / ".github" / "workflows"
    wf.mkdir(parents=True, exist_ok=True)
    (wf / "broken.yml").write_text(BROKEN_WORKFLOW)
    return ".github/workflows/broken.yml"


def latin1_file(root: Path) -> str:
    (root / "notes.txt").write_bytes(b"caf\xe9\n")
    return "notes.txt"


def test_a_workflow_that_cannot_be_analysed_fails_the_run(run_cli: Any, tmp_path: Path) -> None:
    path = broken_workflow(tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n")
    for fmt in FORMATS:
        result = run_cli("scan", "--format", fmt, cwd=tmp_path)
        assert result.code == 2, (fmt, result.err)
        assert path in result.out, fmt  # named in every format
        assert "1 file could not be fully analysed" in result.err
        assert "--no-fail-on-error" in result.err
    text = run_cli("scan", cwd=tmp_path).out
    assert f"{path}: error: cannot analyse workflow at line " in text
    assert "0 findings in 2 files (0 skipped, 1 error) in" in text
    doc = run_cli("scan", "--format", "json", cwd=tmp_path).json()
    [error] = doc["errors"]
    assert (error["path"], error["level"]) == (path, "error")
    gh = run_cli("scan", "--format", "github", cwd=tmp_path).out
    assert gh.startswith(f"::error file={path},title=wabaguard could not analyse this file::")
    md = run_cli("scan", "--format", "markdown", cwd=tmp_path).out
    assert "<summary>1 file could not be fully analysed</summary>" in md


def test_sarif_says_the_run_did_not_succeed(run_cli: Any, tmp_path: Path) -> None:
    path = broken_workflow(tmp_path)
    result = run_cli("scan", "--format", "sarif", cwd=tmp_path)
    assert result.code == 2
    doc = assert_valid_sarif(json.loads(result.out))
    [invocation] = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["descriptor"]["id"] == "analysis-error"
    location = note["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": path, "uriBaseId": "%SRCROOT%"}


def test_no_fail_on_error_reports_without_failing(run_cli: Any, tmp_path: Path) -> None:
    path = broken_workflow(tmp_path)
    result = run_cli("scan", "--no-fail-on-error", "--format", "json", cwd=tmp_path)
    assert result.code == 0
    assert [e["path"] for e in result.json()["errors"]] == [path]
    assert result.err == ""


def test_findings_win_over_errors(run_cli: Any, tmp_path: Path) -> None:
    broken_workflow(tmp_path)
    (tmp_path / "k.py").write_text(f'K = "{fakes.aws_access_key_id(seed=31)}"\n')
    assert run_cli("scan", cwd=tmp_path).code == 1
    # Below the threshold the finding does not fail the run; the error still does.
    assert run_cli("scan", "--fail-on", "critical", cwd=tmp_path).code == 2
    assert run_cli("scan", "--fail-on", "critical", "--no-fail-on-error", cwd=tmp_path).code == 0


def test_undecodable_bytes_are_a_warning_that_never_fails_the_run(
    run_cli: Any, tmp_path: Path
) -> None:
    path = latin1_file(tmp_path)
    for fmt in FORMATS:
        result = run_cli("scan", "--format", fmt, cwd=tmp_path)
        assert result.code == 0, (fmt, result.err)
        assert path in result.out, fmt
    text = run_cli("scan", cwd=tmp_path).out
    assert f"{path}: warning: invalid UTF-8 at byte 3" in text
    assert "0 findings in 1 file (0 skipped, 0 errors, 1 warning) in" in text
    assert run_cli("scan", "--format", "json", cwd=tmp_path).json()["errors"][0]["level"] == (
        "warning"
    )
    doc = assert_valid_sarif(run_cli("scan", "--format", "sarif", cwd=tmp_path).json())
    [invocation] = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    assert [n["level"] for n in invocation["toolExecutionNotifications"]] == ["warning"]
    gh = run_cli("scan", "--format", "github", cwd=tmp_path).out
    assert gh.startswith(f"::warning file={path},title=wabaguard::")


@pytest.mark.parametrize("flag", ["--fail-on-error", "--no-fail-on-error"])
def test_usage_errors_are_two_whatever_the_flag(run_cli: Any, tmp_path: Path, flag: str) -> None:
    assert run_cli("scan", flag, "--fail-on", "severe", cwd=tmp_path).code == 2
    assert run_cli("scan", flag, "no-such-dir", cwd=tmp_path).code == 2
