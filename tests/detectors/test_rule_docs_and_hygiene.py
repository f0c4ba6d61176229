"""Every rule is documented; nothing token-shaped is committed in this issue's files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from detector_helpers import scan

from wabaguard.credentials.detectors import all_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = {rule.id: rule for rule in all_rules()}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_page_exists_and_says_what_it_should(rule_id: str) -> None:
    rule = RULES[rule_id]
    page = ROOT / "docs" / "rules" / f"{rule_id}.md"
    text = page.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# {rule_id}: {rule.title}"
    assert f"`{rule.secret_type}`" in text
    for section in ("## What it finds", "## How to rotate or revoke it", "## How to fix the code"):
        assert section in text
    assert "# bad" in text or "// bad" in text
    assert rule.help_uri.endswith(f"/docs/rules/{rule_id}.md")


def test_rule_identity_is_well_formed() -> None:
    assert len(RULES) == len(all_rules()) == 14
    types = [rule.secret_type for rule in all_rules()]
    assert len(set(types)) == len(types)
    for rule in all_rules():
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule.id)
        assert rule.fix and "\n" not in rule.fix
        assert rule.secret_type


# Files this issue owns. Nothing in them may look like a real credential to us or to peers.
OWNED = [
    *sorted((ROOT / "src" / "wabaguard" / "detectors").glob("*.py")),
    ROOT / "src" / "wabaguard" / "detect_secrets_plugins.py",
    *sorted((ROOT / "tests" / "detectors").glob("*.py")),
    ROOT / "tests" / "fakes.py",
    *[ROOT / "docs" / "rules" / f"{rule_id}.md" for rule_id in RULES],
    ROOT / "docs" / "detect-secrets.md",
    ROOT / "docs" / "accuracy.md",
    *sorted((ROOT / "benchmarks").glob("credential_*.py")),
]
TOKEN_SHAPES = [
    re.compile(r"EAA[A-Za-z0-9]{80,}"),
    re.compile(r"ghp_[A-Za-z0-9]{36}"),
    re.compile(r"[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}"),
    re.compile(r"(?<![0-9a-f])[0-9a-f]{50}(?![0-9a-f])"),
]


@pytest.mark.parametrize("path", OWNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_owned_file_has_no_token_shaped_literal(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for shape in TOKEN_SHAPES:
        assert shape.search(text) is None, f"{shape.pattern} in {path}"
    for number, line in enumerate(text.splitlines(), 1):
        assert scan(line, str(path.relative_to(ROOT))) == [], f"{path}:{number}"
