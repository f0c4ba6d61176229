"""``wabaguard history --verify``: a token committed and later deleted, checked against a
local Graph API (fake_issuers), exactly as ``scan --verify`` checks it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_issuers import VERSION, FakeIssuers, serving

import fakes
from conftest import git

DEBUG = f"/{VERSION}/debug_token"


@pytest.fixture
def issuers(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIssuers]:
    with serving(monkeypatch) as fake:
        yield fake


def _deleted_token_repo(tmp_path: Path, *tokens: str) -> Path:
    """Each token committed in app.py, then the file emptied: gone from HEAD, in history."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    lines = [f'WHATSAPP_TOKEN_{i} = "{t}"' for i, t in enumerate(tokens)]
    (repo / "app.py").write_text("\n".join(lines) + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "add the tokens")
    (repo / "app.py").write_text("import os\n")
    git(repo, "commit", "-q", "-am", "remove the tokens")
    return repo


def _meta(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["rule"] == "meta-access-token"]


@pytest.mark.parametrize("jobs", [[], ["-j", "2"]])
def test_deleted_token_gets_its_verdict(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, jobs: list[str]
) -> None:
    token = fakes.meta_token(seed=1801)
    issuers.active(token)
    repo = _deleted_token_repo(tmp_path, token)
    result = run_cli("history", "--verify", *jobs, "-f", "json", str(repo))
    assert result.code == 1
    [finding] = _meta(result.json())
    assert finding["properties"]["at_head"] is False  # the history finding, with its facts
    v = finding["properties"]["verification"]
    assert v["status"] == "active" and v["issuer"] == "meta"
    assert v["token_type"] == "SYSTEM_USER"
    assert any(n.startswith("verified active by 127.0.0.1:") for n in finding["notes"])
    assert [(s.method, s.path) for s in issuers.requests] == [("POST", DEBUG)]
    for seen in issuers.requests:
        assert token not in seen.target  # never in a URL
        assert seen.headers.get("Authorization") == f"Bearer {token}"
        others = {k: v for k, v in seen.headers.items() if k != "Authorization"}
        assert token not in json.dumps(others)
        assert f"input_token={token}" in seen.body
    assert result.err.count("sending 1 found credential value(s)") == 1
    assert token not in result.out + result.err


def test_only_active_hides_an_invalid_token(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    live, dead = fakes.meta_token(seed=1802), fakes.meta_token(seed=1803)
    issuers.active(live)
    repo = _deleted_token_repo(tmp_path, live, dead)
    every = run_cli("history", "--verify", "-f", "json", str(repo))
    statuses = sorted(f["properties"]["verification"]["status"] for f in _meta(every.json()))
    assert statuses == ["active", "invalid"]
    only = run_cli("history", "--verify", "--only-active", "-f", "json", str(repo))
    assert only.code == 1
    [kept] = _meta(only.json())
    assert kept["properties"]["verification"]["status"] == "active"
    assert live not in only.out + only.err and dead not in only.out + only.err


def test_no_request_without_verify(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    token = fakes.meta_token(seed=1804)
    issuers.active(token)
    result = run_cli("history", "-f", "json", str(_deleted_token_repo(tmp_path, token)))
    assert result.code == 1
    assert len(_meta(result.json())) == 1
    assert issuers.requests == []
    assert "verification" not in result.out and "--verify" not in result.err


def test_only_active_needs_verify(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    token = fakes.meta_token(seed=1805)
    issuers.active(token)
    result = run_cli("history", "--only-active", str(_deleted_token_repo(tmp_path, token)))
    assert result.code == 2
    assert "--only-active needs --verify" in result.err
    assert issuers.requests == []


def test_deleted_paired_credentials_keep_their_pairs(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    """A Vonage secret with its API key, a GREEN-API token with its instance id and a Twilio
    auth token with its SID, all deleted since: history hands their pairing facts to the
    checks as scan does."""
    key, secret = fakes.hex_string(8, seed=1811), fakes.alnum(14, seed=1812) + "58"
    green = fakes.green_api_token(seed=1813)
    issuers.vonage_accounts[key] = secret
    issuers.green_instances["1101000009"] = (green, "authorized")
    sid, twilio = "AC" + fakes.hex_string(32, seed=1814), fakes.hex_string(32, seed=1815)
    issuers.twilio_accounts[sid] = twilio
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "settings.env").write_text(
        f"VONAGE_API_KEY={key}\nVONAGE_API_SECRET={secret}\n"
        f"ID_INSTANCE=1101000009\nAPI_TOKEN_INSTANCE={green}\n"
        + "\n" * 8
        + f"TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={twilio}\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "add settings")
    (repo / "settings.env").write_text("")
    git(repo, "commit", "-q", "-am", "remove them")
    args = ("history", "--verify", "--verify-url-tokens", "-f", "json", str(repo))
    result = run_cli(*args)
    verdicts = {
        f["rule"]: f["properties"]["verification"]
        for f in result.json()["findings"]
        if f["properties"]["verification"]["status"] == "active"
    }
    assert verdicts["bsp-api-key"]["issuer"] == "vonage"
    assert verdicts["green-api-token"]["instance_state"] == "authorized"
    assert verdicts["twilio-auth-token"]["account_status"] == "active"
    assert sorted(s.path.split("/")[1] for s in issuers.requests) == [
        "2010-04-01",
        "account",
        "waInstance1101000009",
    ]
    for value in (secret, green, twilio, key):
        assert value not in result.out + result.err
