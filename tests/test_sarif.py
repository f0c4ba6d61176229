"""SARIF output validates against the official 2.1.0 schema and has what code scanning needs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import fakes
from sarif_check import assert_valid_sarif, uri_to_path


@pytest.fixture
def sarif(run_cli, tmp_path: Path) -> dict:
    (tmp_path / "app.py").write_text(
        "import os\n"
        f'AWS = "{fakes.aws_access_key_id(seed=21)}"\n'
        f'GH = "{fakes.github_token(seed=22)}"\n'
    )
    (tmp_path / "bad.py").write_bytes(b"x = '\xff'\n")
    result = run_cli("scan", "--format", "sarif", cwd=tmp_path)
    assert result.code == 1
    return assert_valid_sarif(result.out)


def test_validates_against_official_schema(sarif: dict) -> None:
    assert assert_valid_sarif(sarif)["runs"][0]["results"]


def test_empty_run_validates(run_cli, tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("fine\n")
    doc = assert_valid_sarif(run_cli("scan", "--format", "sarif", cwd=tmp_path).out)
    assert doc["runs"][0]["results"] == []


def test_code_scanning_fields(sarif: dict) -> None:
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert float(rule["properties"]["security-severity"]) > 0
    results = run["results"]
    assert {r["ruleId"] for r in results} == {"aws-access-key", "github-token"}
    for r in results:
        assert r["level"] == "error"
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "app.py"
        region = loc["region"]
        # AWS = "…  starts at column 8; GH = "…  at column 7.
        assert (region["startLine"], region["startColumn"]) in {(2, 8), (3, 7)}
        assert region["endColumn"] > region["startColumn"]
        assert r["partialFingerprints"]["wabaguard/v1"]
        assert ids[r["ruleIndex"]] == r["ruleId"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.py"


def test_fingerprints_survive_line_moves(run_cli, tmp_path: Path) -> None:
    key = fakes.aws_access_key_id(seed=23)
    (tmp_path / "a.py").write_text(f'K = "{key}"\n')
    before = assert_valid_sarif(run_cli("scan", "--format", "sarif", cwd=tmp_path).out)
    (tmp_path / "a.py").write_text(f'import os\n\n\nK = "{key}"\n')
    after = assert_valid_sarif(run_cli("scan", "--format", "sarif", cwd=tmp_path).out)
    fp = [run["results"][0]["partialFingerprints"] for run in (before["runs"][0], after["runs"][0])]
    assert fp[0] == fp[1]
    lines = [
        d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
        for d in (before, after)
    ]
    assert lines == [1, 4]


HOSTILE_NAMES = [
    "notes #1 100%.py",
    "a:b.py",
    "q?x.py",
    "[x] {y}.py",
    "unïcödé.py",
    "emoji \U0001f600.py",
    "back\\slash.py",
    "semi;colon=&plus+.py",
    "%41 literal.py",
    "~tilde 'quote'.py",
    "new\nline.py",
    "tab\tname.py",
]


def _plant_hostile(root: Path) -> list[str]:
    names = []
    for i, name in enumerate(HOSTILE_NAMES):
        sub = root / ("" if i % 2 else "dir #%")
        sub.mkdir(exist_ok=True)
        (sub / name).write_text(f'K = "{fakes.aws_access_key_id(seed=200 + i)}"\n')
        names.append(name)
    (root / os.fsdecode(b"bad\xff byte.py")).write_text(
        f'K = "{fakes.aws_access_key_id(seed=250)}"\n'
    )
    wf = root / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "broken #%.yml").write_text("on: push\njobs: [unclosed\n")
    (root / "gone #%.py").symlink_to(root / "nowhere")
    return names


def test_hostile_file_names_give_valid_uris_that_decode_to_the_path(
    run_cli: Any, tmp_path: Path
) -> None:
    _plant_hostile(tmp_path)
    sarif = assert_valid_sarif(run_cli("scan", "--format", "sarif", cwd=tmp_path).out)
    doc = run_cli("scan", "--format", "json", cwd=tmp_path).json()
    run = sarif["runs"][0]
    by_fingerprint = {f["fingerprint"]: f["path"] for f in doc["findings"]}
    assert len(run["results"]) == len(HOSTILE_NAMES) + 1 == len(by_fingerprint)
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert (
            uri_to_path(location) == by_fingerprint[result["partialFingerprints"]["wabaguard/v1"]]
        )
    notes = run["invocations"][0]["toolExecutionNotifications"]
    noted = {
        (n["level"], uri_to_path(n["locations"][0]["physicalLocation"]["artifactLocation"]))
        for n in notes
    }
    assert noted == {("error", ".github/workflows/broken #%.yml"), ("note", "gone #%.py")}
    assert run["invocations"][0]["executionSuccessful"] is False
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    ]
    assert "dir%20%23%25/notes%20%231%20100%25.py" in uris
    assert "a%3Ab.py" in uris  # a colon in the first segment would read as a scheme


def test_a_file_outside_the_working_directory_gets_a_file_uri(run_cli: Any, tmp_path: Path) -> None:
    outside = tmp_path / "other dir"
    outside.mkdir()
    (outside / "k #1.py").write_text(f'K = "{fakes.aws_access_key_id(seed=260)}"\n')
    here = tmp_path / "here"
    here.mkdir()
    sarif = assert_valid_sarif(
        run_cli("scan", "--format", "sarif", str(outside / "k #1.py"), cwd=here).out
    )
    [result] = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert "uriBaseId" not in location
    assert location["uri"].startswith("file:///")
    assert uri_to_path(location) == (outside / "k #1.py").as_posix()


def test_a_directory_named_like_a_drive_stays_relative(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / "c:").mkdir()
    (tmp_path / "c:" / "k.py").write_text(f'K = "{fakes.aws_access_key_id(seed=261)}"\n')
    sarif = assert_valid_sarif(run_cli("scan", "--format", "sarif", cwd=tmp_path).out)
    [result] = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "c%3A/k.py", "uriBaseId": "%SRCROOT%"}
