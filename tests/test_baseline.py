"""Baselines through the CLI: a baseline file is never scanned as content."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import fakes

GENERIC = {"Base64HighEntropyString", "HexHighEntropyString", "KeywordDetector"}
SKIP_REASON = "detect-secrets baseline, not scanned as content"

WORKFLOW = """\
name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: deploy
        run: ./deploy --token ${{ secrets.DEPLOY_TOKEN }}
"""
NEW_STEP = """\
      - name: upload
        run: ./upload --key ${{ secrets.UPLOAD_KEY }}
"""


def secrets() -> dict[str, str]:
    return {
        "meta": fakes.meta_token(seed=700),
        "aws": fakes.aws_access_key_id(seed=701),
        "password": fakes.alnum(22, seed=702),
        "hex": fakes.hex_string(40, seed=703),
        "basic": fakes.alnum(18, seed=704),
    }


def plant(root: Path, s: dict[str, str]) -> None:
    (root / "bot.py").write_text(f'TOKEN = "{s["meta"]}"\nAWS = "{s["aws"]}"\n')
    (root / "settings.py").write_text(
        f'import os\ndb_password = "{s["password"]}"\nSIGNING = "{s["hex"]}"\n'
    )
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        WORKFLOW + f"      - run: curl -u admin:{s['basic']} https://example.com/\n"
    )


def fragments(value: str) -> Iterator[str]:
    half = len(value) // 2
    yield from (value, value[:half], value[half:], value[half // 2 : half // 2 + half])


def assert_no_secret(text: str, s: dict[str, str]) -> None:
    for name, value in s.items():
        for piece in fragments(value):
            assert piece not in text, f"output shows (part of) the {name} secret"


def findings(run_cli: Any, root: Path, *args: str) -> list[tuple[str, int, str]]:
    result = run_cli("scan", "--format", "json", "--no-progress", *args, cwd=root)
    assert result.code in (0, 1), result.err
    return [(f["path"], f["line"], f["rule"]) for f in result.json()["findings"]]


def workflow_table(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    (entry,) = [
        f
        for f in doc["filters_used"]
        if f["path"] == "wabaguard.baseline.accepted_workflow_findings"
    ]
    table: dict[str, list[dict[str, Any]]] = entry["results"]
    return table


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


# -- the baseline is never content -----------------------------------------------------------


@pytest.fixture
def entropy_repo(run_cli: Any, tmp_path: Path) -> Path:
    """A repository whose config turns the generic plugins on, with a baseline made with them,
    and the baselined secrets since removed from the code."""
    plant(tmp_path, secrets())
    (tmp_path / ".wabaguard.toml").write_text("entropy = true\n")
    assert run_cli("baseline", ".secrets.baseline", cwd=tmp_path).code == 0
    for name in ("bot.py", "settings.py"):
        (tmp_path / name).write_text("import os\n")
    shutil.rmtree(tmp_path / ".github")
    return tmp_path


def skipped(run_cli: Any, root: Path, *args: str) -> tuple[list[Any], list[Any]]:
    result = run_cli("scan", "--format", "json", "--no-progress", *args, cwd=root)
    doc = result.json()
    return doc["findings"], doc["skipped"]


def test_baseline_in_the_tree_is_skipped_with_entropy_on(run_cli: Any, entropy_repo: Path) -> None:
    # The hashes are long hex strings: scanned as content, the hex plugin flags each one.
    found, skips = skipped(run_cli, entropy_repo, ".")
    assert found == []
    assert {"path": ".secrets.baseline", "reason": SKIP_REASON} in skips


def test_baseline_named_explicitly_is_skipped(run_cli: Any, entropy_repo: Path) -> None:
    """As the pre-commit hook calls it: staged file names, no --baseline."""
    found, skips = skipped(run_cli, entropy_repo, "--entropy", ".secrets.baseline", "bot.py")
    assert found == []
    assert skips == [{"path": ".secrets.baseline", "reason": SKIP_REASON}]


def test_baseline_is_recognised_by_content_not_name(run_cli: Any, entropy_repo: Path) -> None:
    (entropy_repo / "security").mkdir()
    (entropy_repo / ".secrets.baseline").rename(entropy_repo / "security" / "known.json")
    found, skips = skipped(run_cli, entropy_repo, "--entropy", ".")
    assert found == []
    assert {"path": "security/known.json", "reason": SKIP_REASON} in skips


def test_a_detect_secrets_baseline_by_hand_is_skipped(run_cli: Any, tmp_path: Path) -> None:
    # detect-secrets' own layout (slim: no generated_at), with a UTF-8 BOM for good measure.
    doc = {
        "version": "1.5.0",
        "plugins_used": [{"name": "HexHighEntropyString", "limit": 3.0}],
        "filters_used": [],
        "results": {"a.py": [{"type": "Hex High Entropy String", "hashed_secret": "0" * 40}]},
    }
    (tmp_path / "ds.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(doc, indent=2).encode())
    found, skips = skipped(run_cli, tmp_path, "--entropy", "ds.json")
    assert (found, skips) == ([], [{"path": "ds.json", "reason": SKIP_REASON}])


@pytest.mark.parametrize(
    "shape",
    [
        '{{"results": [{{"token": "{aws}"}}], "generated_at": "x"}}',  # results is no table
        '{{"results": {{"a": []}}, "note": "{aws}"}}',  # neither plugins_used nor generated_at
        '{{"plugins_used": [], "results": {{}}, "key": "{aws}"',  # not JSON (truncated)
        '[{{"plugins_used": [], "results": {{}}, "key": "{aws}"}}]',  # not an object
        'x = {{"plugins_used": [], "results": {{}}, "key": "{aws}"}}',  # not at the start
    ],
)
def test_other_json_is_still_scanned(run_cli: Any, tmp_path: Path, shape: str) -> None:
    (tmp_path / "data.json").write_text(shape.format(aws=fakes.aws_access_key_id(seed=710)))
    found, skips = skipped(run_cli, tmp_path, "data.json")
    assert [(f["path"], f["rule"]) for f in found] == [("data.json", "aws-access-key")]
    assert skips == []


@pytest.mark.slow
def test_console_script_as_the_hook_runs_it(entropy_repo: Path) -> None:
    """The hook's entry (``wabaguard scan --no-progress`` + staged names), as a process."""
    script = shutil.which("wabaguard")
    base = [script] if script else [sys.executable, "-m", "wabaguard"]
    proc = subprocess.run(
        [*base, "scan", "--no-progress", ".secrets.baseline", "settings.py", ".wabaguard.toml"],
        cwd=entropy_repo, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 skipped" in proc.stdout
