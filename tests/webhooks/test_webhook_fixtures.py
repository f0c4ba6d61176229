"""The annotated webhook fixtures, scanned through the public CLI, compared line by line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import webhook_scoring as scoring
from make_webhook_fixtures import expected_files

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Any:
    doc = scoring.scan_copy(tmp_path_factory.mktemp("webhooks"))
    assert doc["errors"] == [], f"the fixtures did not scan cleanly: {doc['errors']}"
    return doc


@pytest.mark.parametrize(
    "fixture", scoring.fixture_files(), ids=lambda p: str(p.relative_to(scoring.FIXTURES))
)
def test_fixture(fixture: Path, document: Any) -> None:
    relpath = "fixtures/" + fixture.relative_to(scoring.FIXTURES).as_posix()
    text = fixture.read_text(encoding="utf-8")
    findings = [f for f in document["findings"] if f["path"] == relpath]
    problems = scoring.problems_for(relpath, scoring.parse_annotations(text), findings)
    assert not problems, "\n".join(problems)


def test_every_fixture_says_what_it_expects() -> None:
    for fixture in scoring.fixture_files():
        annotations = scoring.parse_annotations(fixture.read_text(encoding="utf-8"))
        assert annotations.expected or annotations.ok_lines, f"{fixture.name}: no annotation"
        unknown = {rule for _, rule in annotations.expected} - scoring.webhook_rule_ids()
        assert not unknown, f"{fixture.name}: unknown rules {unknown}"


def test_every_rule_has_hits_and_near_misses() -> None:
    expected = set()
    for fixture in scoring.fixture_files():
        annotations = scoring.parse_annotations(fixture.read_text(encoding="utf-8"))
        expected |= {rule for _, rule in annotations.expected}
    assert expected == scoring.webhook_rule_ids()


def test_generated_fixtures_are_current() -> None:
    """Regenerate with: python tests/webhooks/make_webhook_fixtures.py"""
    generated = scoring.FIXTURES / "generated"
    current = {p.name: p.read_text(encoding="utf-8") for p in generated.glob("*.*")}
    assert current == expected_files()


def test_the_documented_scores_are_the_measured_ones(document: Any) -> None:
    """Regenerate the table in docs/webhooks.md with: python tests/webhooks/webhook_scoring.py"""
    docs = (REPO / "docs" / "webhooks.md").read_text(encoding="utf-8")
    assert scoring.table(scoring.score(document)) in docs
