"""wabaguard and detect-secrets' process-global settings leave each other alone.

detect-secrets keeps its configuration (plugins, filters) in one process-global object. A
process that embeds wabaguard (a script, a test suite, a tool built on detect-secrets) has
its own configuration there; a wabaguard scan or baseline must neither reset it nor be
changed by it. Each test configures the global settings the way such a user would, inside
detect-secrets' own ``transient_settings`` (which restores the previous state afterwards, so
tests do not leak into each other).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from detect_secrets.settings import get_settings, transient_settings

import fakes

# A user's configuration: a plugin of theirs, one of detect-secrets' line-exclusion filters
# with a pattern that matches everything, and verification on (the detect-secrets default).
USER_CONFIG: dict[str, Any] = {
    "plugins_used": [{"name": "AWSKeyDetector"}, {"name": "Base64HighEntropyString", "limit": 3}],
    "filters_used": [
        {"path": "detect_secrets.filters.regex.should_exclude_line", "pattern": [".*"]},
        {
            "path": "detect_secrets.filters.common.is_ignored_due_to_verification_policies",
            "min_level": 2,
        },
    ],
}


@pytest.fixture
def user_settings() -> Iterator[dict[str, Any]]:
    """The global settings configured as USER_CONFIG; yields their JSON form as configured."""
    with transient_settings(USER_CONFIG):
        yield get_settings().json()


def _project(root: Path) -> str:
    key = fakes.aws_access_key_id(seed=701)
    (root / "settings.py").write_text(f'AWS_KEY = "{key}"\n')
    return key


def test_a_scan_leaves_the_global_settings_as_it_found_them(
    run_cli: Any, tmp_path: Path, user_settings: dict[str, Any]
) -> None:
    _project(tmp_path)
    result = run_cli("scan", "--format", "json", cwd=tmp_path)
    assert result.code == 1
    assert [f["rule"] for f in result.json()["findings"]] == ["aws-access-key"]
    assert get_settings().json() == user_settings


def test_writing_a_baseline_leaves_the_global_settings_as_it_found_them(
    run_cli: Any, tmp_path: Path, user_settings: dict[str, Any]
) -> None:
    _project(tmp_path)
    assert run_cli("baseline", ".secrets.baseline", cwd=tmp_path).code == 0
    assert get_settings().json() == user_settings


def test_the_users_settings_do_not_change_what_is_reported(
    run_cli: Any, tmp_path: Path, user_settings: dict[str, Any]
) -> None:
    # The user's exclude-lines filter matches every line: applied to our scan, it would hide
    # the key. Their Base64 entropy plugin is not one wabaguard runs without --entropy.
    key = _project(tmp_path)
    doc = run_cli("scan", "--format", "json", cwd=tmp_path).json()
    [finding] = doc["findings"]
    assert finding["rule"] == "aws-access-key"
    line = (tmp_path / "settings.py").read_text()
    assert line[finding["column"] - 1 : finding["end_column"] - 1] == key


def test_a_baseline_written_under_the_users_settings_is_the_one_written_without(
    run_cli: Any, tmp_path: Path
) -> None:
    _project(tmp_path)
    assert run_cli("baseline", "clean.baseline", cwd=tmp_path).code == 0
    with transient_settings(USER_CONFIG):
        assert run_cli("baseline", "user.baseline", cwd=tmp_path).code == 0
    clean = json.loads((tmp_path / "clean.baseline").read_text())
    user = json.loads((tmp_path / "user.baseline").read_text())
    for doc, name in ((clean, "clean.baseline"), (user, "user.baseline")):
        del doc["generated_at"]
        # Each names its own file (detect-secrets' is_baseline_file filter): the only difference.
        [own] = [f for f in doc["filters_used"] if f.get("filename") == name]
        own["filename"] = "THE-BASELINE"
    assert user == clean
    assert {p["name"] for p in clean["plugins_used"]} >= {"AWSKeyDetector", "SlackDetector"}
    assert "Base64HighEntropyString" not in {p["name"] for p in clean["plugins_used"]}


def test_verification_stays_off_whatever_the_global_settings_say(
    run_cli: Any, tmp_path: Path, user_settings: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the verification filter in the global settings, detect-secrets' BasePlugin calls
    # verify() on every match; a plugin's verify() may send the secret over the network.
    from detect_secrets.constants import VerifiedResult
    from detect_secrets.plugins.aws import AWSKeyDetector

    calls: list[str] = []

    def verify(self: Any, secret: str, context: Any = None) -> VerifiedResult:
        calls.append(secret)
        return VerifiedResult.VERIFIED_TRUE

    monkeypatch.setattr(AWSKeyDetector, "verify", verify)
    _project(tmp_path)
    result = run_cli("scan", "--format", "json", cwd=tmp_path)
    assert [f["rule"] for f in result.json()["findings"]] == ["aws-access-key"]
    assert calls == []
