"""SARIF output validates against the official 2.1.0 schema and has what code scanning needs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import fakes

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


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
    return json.loads(result.out)


def test_validates_against_official_schema(sarif: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)


def test_empty_run_validates(run_cli, tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("fine\n")
    doc = json.loads(run_cli("scan", "--format", "sarif", cwd=tmp_path).out)
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
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
    before = json.loads(run_cli("scan", "--format", "sarif", cwd=tmp_path).out)
    (tmp_path / "a.py").write_text(f'import os\n\n\nK = "{key}"\n')
    after = json.loads(run_cli("scan", "--format", "sarif", cwd=tmp_path).out)
    fp = [run["results"][0]["partialFingerprints"] for run in (before["runs"][0], after["runs"][0])]
    assert fp[0] == fp[1]
    lines = [
        d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
        for d in (before, after)
    ]
    assert lines == [1, 4]
