"""Every finding states its confidence in every format; ``--min-confidence`` filters
(default medium, low with --entropy), from the command line or the config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import fakes


def _plant(root: Path) -> None:
    # A structured Meta token (high), a Gupshup key (its rule is medium confidence), and an
    # AWS key in an SDK's example file (low: the context marks it as an example).
    (root / ".env").write_text(
        f"WHATSAPP_TOKEN={fakes.meta_token(seed=1)}\nGUPSHUP_API_KEY={fakes.gupshup_key(seed=2)}\n",
        encoding="utf-8",
    )
    (root / "examples-1.json").write_text(
        f'{{"AccessKeyId": "{fakes.aws_access_key_id(seed=3)}"}}\n', encoding="utf-8"
    )


def _rules(run_cli: Any, root: Path, *args: str) -> dict[str, str]:
    result = run_cli("scan", "--no-progress", "--format", "json", *args, ".", cwd=root)
    assert result.code == 1, result.err
    return {f["rule"]: f["confidence"] for f in result.json()["findings"]}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), {"meta-access-token": "high", "gupshup-api-key": "medium"}),
        (
            ("--min-confidence", "low"),
            {"meta-access-token": "high", "gupshup-api-key": "medium", "aws-access-key": "low"},
        ),
        (("--min-confidence", "high"), {"meta-access-token": "high"}),
    ],
    ids=["default-medium", "low", "high"],
)
def test_min_confidence_filters(
    run_cli: Any, tmp_path: Path, args: tuple[str, ...], expected: dict[str, str]
) -> None:
    _plant(tmp_path)
    assert _rules(run_cli, tmp_path, *args) == expected


def test_the_config_sets_the_floor_and_the_flag_wins(run_cli: Any, tmp_path: Path) -> None:
    _plant(tmp_path)
    (tmp_path / ".wabaguard.toml").write_text('min-confidence = "high"\n', encoding="utf-8")
    assert set(_rules(run_cli, tmp_path)) == {"meta-access-token"}
    assert "aws-access-key" in _rules(run_cli, tmp_path, "--min-confidence", "low")


def test_a_bad_config_value_is_a_configuration_error(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / ".wabaguard.toml").write_text('min-confidence = "sure"\n', encoding="utf-8")
    result = run_cli("scan", "--no-progress", ".", cwd=tmp_path)
    assert result.code == 2
    assert "min-confidence" in result.err and "unknown confidence 'sure'" in result.err


def test_entropy_lowers_the_default_floor_to_see_its_own_findings(
    run_cli: Any, tmp_path: Path
) -> None:
    (tmp_path / "db.py").write_text(
        "db_" + f'password = "{fakes.alnum(14, seed=4)}"\n', encoding="utf-8"
    )
    assert _rules(run_cli, tmp_path, "--entropy") == {"secret-keyword": "low"}
    result = run_cli(
        "scan", "--no-progress", "--entropy", "--min-confidence", "medium", ".", cwd=tmp_path
    )
    assert result.code == 0


def test_every_format_states_the_confidence(run_cli: Any, tmp_path: Path) -> None:
    _plant(tmp_path)
    base = ("scan", "--no-progress", "--min-confidence", "low", ".")
    text = run_cli(*base, "--format", "text", cwd=tmp_path).out
    assert "critical meta-access-token [high confidence]" in text
    assert "high gupshup-api-key [medium confidence]" in text
    assert "high aws-access-key [low confidence]" in text
    github = run_cli(*base, "--format", "github", cwd=tmp_path).out
    assert "title=wabaguard gupshup-api-key (high; medium confidence)::" in github
    markdown = run_cli(*base, "--format", "markdown", cwd=tmp_path).out
    assert "| Location | Confidence | Message |" in markdown
    assert any(
        line.startswith("| `examples-1.json:1:") and "| low |" in line
        for line in (markdown.splitlines())
    )
    sarif = json.loads(run_cli(*base, "--format", "sarif", cwd=tmp_path).out)
    confidences = {r["ruleId"]: r["properties"]["confidence"] for r in sarif["runs"][0]["results"]}
    assert confidences == {
        "meta-access-token": "high",
        "gupshup-api-key": "medium",
        "aws-access-key": "low",
    }


def test_the_hook_and_the_action_use_the_default_floor() -> None:
    """Neither passes --min-confidence, so both report medium and up (the documented
    default): a scanned repository can still choose another in its config."""
    root = Path(__file__).resolve().parent.parent
    for manifest in (".pre-commit-hooks.yaml", "action.yml"):
        assert "min-confidence" not in (root / manifest).read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "`--min-confidence low\\|medium\\|high`" in readme
    assert 'min-confidence = "medium"' in readme
