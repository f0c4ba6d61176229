"""What every capability may put on a finding (facts, notes, a logical location) reaches every
format: the contract the history, rotation and verification reports rely on."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from wabaguard.core.builder import Draft, FileFindings
from wabaguard.core.config import Config
from wabaguard.core.findings import Confidence, Kind, Rule, ScanResult, Severity
from wabaguard.reporters import FORMATS, render

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
RULE = Rule(
    "stale-example", "An example", Severity.MEDIUM, Confidence.HIGH, "Fix it", Kind.WORKFLOW
)


def _result() -> ScanResult:
    sink = FileFindings("", Config(), lambda: frozenset({RULE.id}))
    sink.add(
        Draft(
            RULE,
            0,
            0,
            0,
            0,
            detail="WHATSAPP_TOKEN is 120 days old",
            identity="acme/app:WHATSAPP_TOKEN",
            properties={"age_days": 120, "scope": "repository"},
            notes=("due since 2026-09-08",),
            logical_location="acme/app: WHATSAPP_TOKEN",
        ),
        "",
    )
    findings, _ = sink.finish()
    return ScanResult(findings, [], [], 0, 0, 0.0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_facts_notes_and_logical_location_in_every_format(fmt: str) -> None:
    out = render(fmt, _result(), (RULE,))
    assert "acme/app: WHATSAPP_TOKEN" in out
    assert "due since 2026-09-08" in out or fmt == "json"
    if fmt == "json":
        [f] = json.loads(out)["findings"]
        assert f["properties"] == {"age_days": 120, "scope": "repository"}
        assert f["notes"] == ["due since 2026-09-08"]
        assert f["logical_location"] == "acme/app: WHATSAPP_TOKEN"
    if fmt == "sarif":
        doc = json.loads(out)
        jsonschema.Draft4Validator(SCHEMA).validate(doc)
        [r] = doc["runs"][0]["results"]
        assert r["properties"]["age_days"] == 120
        assert r["locations"] == [
            {"logicalLocations": [{"fullyQualifiedName": "acme/app: WHATSAPP_TOKEN"}]}
        ]
    if fmt == "github":
        assert out.startswith("::warning title=") and "file=" not in out
