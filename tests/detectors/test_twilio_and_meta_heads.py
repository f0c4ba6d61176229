"""Twilio auth tokens in the shapes public code writes them; Meta tokens of every head the
app-id encoding allows (``EAB…`` for ids from 2**52)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from detector_helpers import scan

import fakes

TOKEN = fakes.hex_string(32, seed=21)
SID = "AC" + fakes.hex_string(32, seed=22)

HITS = [
    ("python-client", "app.py", [f'client = Client("{SID}", "{TOKEN}")'], "high"),
    ("java-init", "App.java", [f'Twilio.init("{SID}", "{TOKEN}");'], "high"),
    (
        "go-client-params",
        "main.go",
        [
            f'c := twilio.NewRestClientWithParams(twilio.ClientParams{{Username: "{SID}", '
            f'Password: "{TOKEN}"}})'
        ],
        "high",
    ),
    ("curl-basic-auth", "send.sh", [f"curl -u {SID}:{TOKEN} https://api.twilio.com/"], "high"),
    ("dotenv", ".env", [f"TWILIO_AUTH_TOKEN={TOKEN}"], "high"),
    ("properties", "application.properties", [f"twilio.auth-token={TOKEN}"], "high"),
    (
        "nested-yaml",
        "application.yml",
        ["twilio:", f"  account-sid: {SID}", f"  auth-token: {TOKEN}"],
        "medium",
    ),
    (
        "java-constant",
        "Sms.java",
        ["// Twilio credentials", f'private static final String AUTH_TOKEN = "{TOKEN}";'],
        "medium",
    ),
]


@pytest.mark.parametrize(
    ("path", "lines", "confidence"), [h[1:] for h in HITS], ids=[h[0] for h in HITS]
)
def test_twilio_auth_tokens_are_found(
    run_cli: Any, tmp_path: Path, path: str, lines: list[str], confidence: str
) -> None:
    (tmp_path / path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("scan", "--no-progress", "--format", "json", ".", cwd=tmp_path)
    found = [f for f in result.json()["findings"] if f["rule"] == "twilio-auth-token"]
    assert [(f["line"], f["confidence"]) for f in found] == [(len(lines), confidence)]
    assert TOKEN not in result.out


@pytest.mark.parametrize(
    ("line", "path"),
    [
        (f'AUTH_TOKEN = "{TOKEN}"', "cache.py"),  # no Twilio anywhere: any digest
        (f'SESSION_AUTH_TOKEN_SALT = "{TOKEN}"', "twilio_app.py"),  # not the token itself
        ('TWILIO_AUTH_TOKEN=os.environ["TWILIO_AUTH_TOKEN"]', "app.py"),
        (f'checksum = "{TOKEN}"  # twilio webhook body', "hooks.py"),
    ],
)
def test_near_misses_are_not_twilio_tokens(line: str, path: str) -> None:
    assert [h for h in scan(line, path) if h[0] == "twilio-auth-token"] == []


@pytest.mark.parametrize("app_id", [2**52, 2**52 + 12345, 2**53 + 7, 10**16 - 1])
def test_meta_tokens_beyond_eaa_are_found_with_their_app_id(
    run_cli: Any, tmp_path: Path, app_id: int
) -> None:
    token = fakes.meta_token(app_id=app_id, seed=23)
    assert not token.startswith("EAA")  # the head the encoding gives these ids
    (tmp_path / "send.py").write_text(f'TOKEN = "{token}"\n', encoding="utf-8")
    result = run_cli("scan", "--no-progress", "--format", "json", ".", cwd=tmp_path)
    [finding] = result.json()["findings"]
    assert finding["rule"] == "meta-access-token"
    assert finding["confidence"] == "high"
    assert f"for Meta app {app_id}" in finding["message"]


def test_a_random_eab_run_without_the_structure_is_not_a_meta_token() -> None:
    """Only ``EAA…`` tokens are reported without their structure; other heads need it."""
    run = "EAB" + fakes.alnum(150, seed=24)
    assert [h for h in scan(f'ACCESS_TOKEN = "{run}"', "a.py") if h[0] == "meta-access-token"] == []
    eaa = "EAA" + "B" + fakes.alnum(149, seed=24)  # the same run under EAA: medium
    assert [h[0] for h in scan(f'ACCESS_TOKEN = "{eaa}"', "a.py")] == ["meta-access-token"]
