"""--verify on Twilio auth tokens: the account fetch, with the SID found beside the token."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_issuers import FakeIssuers, Reply, serving

import fakes
from wabaguard.reporters import FORMATS

ACCOUNTS = "/2010-04-01/Accounts/"


@pytest.fixture
def issuers(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIssuers]:
    with serving(monkeypatch) as fake:
        yield fake


def _pair(seed: int) -> tuple[str, str]:
    return "AC" + fakes.hex_string(32, seed=seed), fakes.hex_string(32, seed=seed + 500)


# The shapes the detector pairs a token with its SID in: a client call, two settings lines,
# basic-auth credentials.
SHAPES = {
    "call": 'client = Client("{sid}", "{token}")\n',
    "settings": 'TWILIO_ACCOUNT_SID = "{sid}"\nTWILIO_AUTH_TOKEN = "{token}"\n',
    "curl": 'run("curl -u {sid}:{token} https://api.twilio.com")\n',
}


def _scan(run_cli: Any, tmp_path: Path, text: str, *args: str) -> Any:
    (tmp_path / "app.py").write_text(text)
    return run_cli("scan", *args, str(tmp_path))


def _verdict(result: Any) -> dict[str, Any]:
    [token] = [f for f in result.json()["findings"] if f["rule"] == "twilio-auth-token"]
    verification: dict[str, Any] = token["properties"]["verification"]
    return verification


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_an_active_token_is_fetched_with_its_sid(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, shape: str
) -> None:
    sid, token = _pair(51)
    issuers.twilio_accounts[sid] = token
    result = _scan(
        run_cli, tmp_path, SHAPES[shape].format(sid=sid, token=token), "--verify", "-f", "json"
    )
    v = _verdict(result)
    assert (v["status"], v["issuer"]) == ("active", "twilio")
    assert (v["account_status"], v["friendly_name"], v["account_type"]) == (
        "active",
        "Acme Notifications",
        "Full",
    )
    [seen] = issuers.requests
    assert (seen.method, seen.target, seen.body) == ("GET", f"{ACCOUNTS}{sid}.json", "")
    basic = base64.b64encode(f"{sid}:{token}".encode()).decode()
    assert seen.headers["Authorization"] == f"Basic {basic}"
    assert token not in seen.target
    for text in (token, basic):
        assert text not in result.out + result.err
    assert "sending 1 found credential value(s)" in result.err


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_token_is_in_no_output_format(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, fmt: str
) -> None:
    sid, token = _pair(52)
    issuers.twilio_accounts[sid] = token
    text = SHAPES["call"].format(sid=sid, token=token)
    result = _scan(run_cli, tmp_path, text, "--verify", "-f", fmt)
    assert result.code == 1
    basic = base64.b64encode(f"{sid}:{token}".encode()).decode()
    for secret in (token, token[4:28], basic):
        assert secret not in result.out + result.err
    if fmt in ("text", "markdown", "github"):
        assert "verified active by 127.0.0.1" in result.out
    else:
        assert '"status": "active"' in result.out
    assert len(issuers.requests) == 1


def test_a_refused_token_is_invalid(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    sid, token = _pair(53)
    issuers.twilio_accounts[sid] = fakes.hex_string(32, seed=54)  # rotated since
    text = SHAPES["settings"].format(sid=sid, token=token)
    result = _scan(run_cli, tmp_path, text, "--verify", "-f", "json")
    v = _verdict(result)
    assert (v["status"], v["reason"]) == ("invalid", "rejected")
    assert "401" in v["detail"] and "Authenticate" in v["detail"]
    assert token not in result.out + result.err


def test_a_404_without_twilios_body_is_not_a_verdict_on_the_token(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    sid, token = _pair(55)
    issuers.script(f"{ACCOUNTS}{sid}.json", Reply(404, {"error": "no route"}))
    result = _scan(run_cli, tmp_path, SHAPES["call"].format(sid=sid, token=token), "--verify")
    assert "could not verify with 127.0.0.1" in result.out
    assert "verified invalid" not in result.out


def test_rate_limited_then_unverifiable(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    sid, token = _pair(56)
    issuers.twilio_accounts[sid] = token
    busy = Reply(429, {"code": 20429, "message": "Too Many Requests"}, {"Retry-After": "0"})
    issuers.script(f"{ACCOUNTS}{sid}.json", busy, busy, busy)
    text = SHAPES["call"].format(sid=sid, token=token)
    result = _scan(run_cli, tmp_path, text, "--verify", "-f", "json")
    v = _verdict(result)
    assert (v["status"], v["reason"]) == ("unverifiable", "rate-limited")
    assert len(issuers.requests) == 3  # the first try and the two bounded retries
    assert token not in result.out + result.err


def test_a_token_without_a_sid_is_unsupported_and_not_sent(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    _, token = _pair(57)
    result = _scan(run_cli, tmp_path, f'TWILIO_AUTH_TOKEN = "{token}"\n', "--verify", "-f", "json")
    v = _verdict(result)
    assert (v["status"], v["reason"]) == ("unsupported", "no-check")
    assert "account SID" in v["detail"]
    assert issuers.requests == []
    assert "nothing is sent" in result.err


def test_no_request_without_verify(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    sid, token = _pair(58)
    issuers.twilio_accounts[sid] = token
    result = _scan(run_cli, tmp_path, SHAPES["call"].format(sid=sid, token=token), "-f", "json")
    assert result.code == 1
    assert "verification" not in result.out
    assert issuers.requests == []


def test_two_sids_nearby_pair_with_neither(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    sid, token = _pair(59)
    other, _ = _pair(60)
    issuers.twilio_accounts[sid] = token
    text = f'PROD_SID = "{sid}"\nTEST_SID = "{other}"\nTWILIO_AUTH_TOKEN = "{token}"\n'
    v = _verdict(_scan(run_cli, tmp_path, text, "--verify", "-f", "json"))
    assert v["status"] == "unsupported"  # a wrong guess would call a live token invalid
    assert issuers.requests == []
