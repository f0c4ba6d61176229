"""The detectors through ``wabaguard scan``: rule ids, exact positions, no secret in output."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import fakes
import wabaguard.detect_secrets_plugins as plugins_module
from sarif_check import assert_valid_sarif
from wabaguard.detectors import all_rules

FORMATS = ("text", "json", "sarif", "github", "markdown")


def plant(root: Path) -> dict[tuple[str, str, int], tuple[str, int]]:
    """Write files; return {(rule, path, line): (secret, 1-based column)}."""
    meta = fakes.meta_token(seed=70)
    d360 = fakes.d360_key(seed=71) + "9"
    infobip = fakes.infobip_key(seed=72)
    green = fakes.green_api_token(seed=73)
    literal = fakes.alnum(30, seed=74) + "1"
    app_secret = fakes.hex_string(32, seed=75)
    files = {
        ".env": ["# WhatsApp Cloud API", f"WHATSAPP_TOKEN={meta}", f"D360_API_KEY={d360}"],
        "bot.py": [
            "import os",
            "",
            "def headers():",
            f'    return {{"Authorization": "App {infobip}"}}',
            f'META_APP_SECRET = "{app_secret}"',
        ],
        "config.yml": [
            "green:",
            f"  url: https://api.green-api.com/waInstance1101000001/x/{green}",
        ],
        "nb.ipynb": [
            "{",
            ' "cells": [{"cell_type": "code", "metadata": {}, "source": [',
            f'    "WHATSAPP_API_KEY = \\"{literal}\\"\\n"',
            ' ]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5',
            "}",
        ],
    }
    for name, lines in files.items():
        (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = {}
    for rule, name, secret in [
        ("meta-access-token", ".env", meta),
        ("dialog360-api-key", ".env", d360),
        ("infobip-api-key", "bot.py", infobip),
        ("meta-app-secret", "bot.py", app_secret),
        ("green-api-token", "config.yml", green),
        ("whatsapp-credential-literal", "nb.ipynb", literal),
    ]:
        for number, line in enumerate(files[name], 1):
            if secret in line:
                expected[(rule, name, number)] = (secret, line.index(secret) + 1)
    return expected


def our_findings(report: dict[str, Any]) -> dict[tuple[str, str, int], tuple[int, int]]:
    ours = {rule.id for rule in all_rules()}
    return {
        (f["rule"], f["path"], f["line"]): (f["column"], f["end_column"])
        for f in report["findings"]
        if f["rule"] in ours
    }


def test_json_reports_rules_at_exact_positions(run_cli: Any, tmp_path: Path) -> None:
    expected = plant(tmp_path)
    result = run_cli("scan", "--format", "json", "--no-progress", ".", cwd=tmp_path)
    assert result.code == 1, result.err
    got = our_findings(result.json())
    assert got == {
        key: (column, column + len(secret)) for key, (secret, column) in expected.items()
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_in_any_output_format(run_cli: Any, tmp_path: Path, fmt: str) -> None:
    expected = plant(tmp_path)
    result = run_cli("scan", "--format", fmt, "--no-progress", ".", cwd=tmp_path)
    assert result.code == 1, result.err
    output = result.out + result.err
    assert output.strip()
    for secret, _ in expected.values():
        # Neither the value nor any 12-character stretch of it beyond the shown prefix.
        assert secret not in output
        for start in range(4, len(secret) - 12, 6):
            assert secret[start : start + 12] not in output, (fmt, start)
    if fmt == "json":
        json.loads(result.out)
    if fmt == "sarif":
        assert_valid_sarif(result.out)


def test_meta_message_names_the_app(run_cli: Any, tmp_path: Path) -> None:
    plant(tmp_path)
    result = run_cli("scan", "--format", "json", "--no-progress", ".", cwd=tmp_path)
    messages = [f["message"] for f in result.json()["findings"] if f["rule"] == "meta-access-token"]
    assert len(messages) == 1
    assert f"for Meta app {fakes.FAKE_APP_ID}" in messages[0]


@pytest.mark.slow
def test_wabaguard_and_detect_secrets_baselines_agree(run_cli: Any, tmp_path: Path) -> None:
    """Same hashes from ``wabaguard baseline`` and plain detect-secrets with our plugins."""
    expected = plant(tmp_path)
    result = run_cli("baseline", ".secrets.baseline", ".", cwd=tmp_path)
    assert result.code == 0, result.err
    ours = json.loads((tmp_path / ".secrets.baseline").read_text())
    proc = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan", "--plugin", plugins_module.__file__,
         ".env", "bot.py", "config.yml", "nb.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(proc.stdout)
    types = {rule.secret_type for rule in all_rules()}

    def hashes(baseline: dict[str, Any]) -> set[tuple[str, str, str]]:
        return {
            (path, entry["type"], entry["hashed_secret"])
            for path, entries in baseline["results"].items()
            for entry in entries
            if entry["type"] in types
        }

    assert hashes(ours) == hashes(theirs)
    assert len(hashes(ours)) == len(expected)
    infobip = next(s for (rule, _, _), (s, _) in expected.items() if rule == "infobip-api-key")
    head = hashlib.sha1(infobip[:32].encode()).hexdigest()
    assert ("bot.py", "Infobip API Key", head) in hashes(ours)

    # And the baseline suppresses them in wabaguard scan.
    again = run_cli(
        "scan",
        "--format",
        "json",
        "--no-progress",
        "--baseline",
        ".secrets.baseline",
        ".",
        cwd=tmp_path,
    )
    assert our_findings(again.json()) == {}
