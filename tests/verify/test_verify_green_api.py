"""--verify on GREEN-API tokens: sent (in the URL path, GREEN-API's only way) only with
--verify-url-tokens, never shown anywhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_issuers import FakeIssuers, Reply, serving

import fakes
from wabaguard.reporters import FORMATS

INSTANCE = "1101000001"


@pytest.fixture
def issuers(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIssuers]:
    with serving(monkeypatch) as fake:
        yield fake


# The shapes the detector pairs a token with its instance id in.
SHAPES = {
    "url": 'url = f"https://api.green-api.com/waInstance{id}/sendMessage/{token}"\n',
    "settings": 'ID_INSTANCE = "{id}"\nAPI_TOKEN_INSTANCE = "{token}"\n',
    "sdk": "greenAPI = API.GreenAPI(\n    idInstance={id},\n    apiTokenInstance='{token}',\n)\n",
}


def _scan(run_cli: Any, tmp_path: Path, text: str, *args: str) -> Any:
    (tmp_path / "bot.py").write_text(text)
    return run_cli("scan", *args, str(tmp_path))


def _verdict(result: Any) -> dict[str, Any]:
    [token] = [f for f in result.json()["findings"] if f["rule"] == "green-api-token"]
    verification: dict[str, Any] = token["properties"]["verification"]
    return verification


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_token_is_sent_only_with_url_token_consent(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, shape: str
) -> None:
    token = fakes.green_api_token(seed=71)
    issuers.green_instances[INSTANCE] = (token, "authorized")
    text = SHAPES[shape].format(id=INSTANCE, token=token)
    plain = _scan(run_cli, tmp_path, text, "--verify", "-f", "json")
    v = _verdict(plain)
    assert (v["status"], v["reason"]) == ("unsupported", "url-token-not-allowed")
    assert issuers.requests == []
    assert "1 token(s) not sent (GREEN-API (1))" in plain.err
    assert "--verify-url-tokens" in plain.err

    consented = _scan(run_cli, tmp_path, text, "--verify", "--verify-url-tokens", "-f", "json")
    v = _verdict(consented)
    assert (v["status"], v["issuer"], v["instance_state"]) == ("active", "green-api", "authorized")
    [seen] = issuers.requests
    assert (seen.method, seen.path) == ("GET", f"/waInstance{INSTANCE}/getStateInstance/{token}")
    assert "?" not in seen.target  # in the path, never in a query
    assert "sending 1 found credential value(s)" in consented.err
    assert "not sent" not in consented.err
    for result in (plain, consented):
        assert token not in result.out + result.err
        assert token[8:40] not in result.out + result.err


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_token_is_in_no_output_format(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, fmt: str
) -> None:
    token = fakes.green_api_token(seed=72)
    issuers.green_instances[INSTANCE] = (token, "yellowCard")
    text = SHAPES["settings"].format(id=INSTANCE, token=token)
    result = _scan(run_cli, tmp_path, text, "--verify", "--verify-url-tokens", "-f", fmt)
    assert result.code == 1
    for piece in (token, token[:20], token[-20:]):
        assert piece not in result.out + result.err
    if fmt in ("text", "markdown", "github"):
        assert "verified active by 127.0.0.1" in result.out
        assert "yellowCard" in result.out  # the state: the token works, sending is suspended
    else:
        assert '"status": "active"' in result.out
    assert len(issuers.requests) == 1


@pytest.mark.parametrize(("status", "verdict"), [(401, "invalid"), (403, "invalid")])
def test_a_refused_token_is_invalid(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, status: int, verdict: str
) -> None:
    token = fakes.green_api_token(seed=73)
    path = f"/waInstance{INSTANCE}/getStateInstance/{token}"
    issuers.script(path, Reply(status, {"message": f"bad token {token}"}))  # echoes it
    text = SHAPES["url"].format(id=INSTANCE, token=token)
    result = _scan(run_cli, tmp_path, text, "--verify", "--verify-url-tokens", "-f", "json")
    v = _verdict(result)
    assert (v["status"], v["reason"]) == (verdict, "rejected")
    assert token not in result.out + result.err  # the echoed token is scrubbed


def test_a_failing_request_never_quotes_the_url(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = fakes.green_api_token(seed=74)
    issuers.green_instances[INSTANCE] = (token, "authorized")
    issuers.delay[f"/waInstance{INSTANCE}/getStateInstance/{token}"] = 1.5
    text = SHAPES["url"].format(id=INSTANCE, token=token)
    args = ("--verify", "--verify-url-tokens", "--verify-timeout", "0.3", "-f", "json")
    v = _verdict(_scan(run_cli, tmp_path, text, *args))
    assert (v["status"], v["reason"]) == ("unverifiable", "timeout")
    assert token not in json.dumps(v)
    # Nobody listening: the connection error's text names the origin, not the URL.
    monkeypatch.setenv("WABAGUARD_GREENAPI_API_URL", "http://127.0.0.1:9")
    result = _scan(run_cli, tmp_path, text, *args)
    v = _verdict(result)
    assert (v["status"], v["reason"]) == ("unverifiable", "network-error")
    assert token not in result.out + result.err
    assert "getStateInstance" not in result.out + result.err


def test_plain_http_elsewhere_and_redirects_are_refused(
    issuers: FakeIssuers,
) -> None:
    from wabaguard.online.verify import Settings, verify_values

    token = fakes.green_api_token(seed=75)
    pairs = [("green-api-token", token)]
    facts = [{"id_instance": INSTANCE}]
    remote = Settings(env={"WABAGUARD_GREENAPI_API_URL": "http://green.example"}, url_tokens=True)
    [verdict] = verify_values(pairs, remote, facts=facts)
    assert (verdict.status, verdict.reason) == ("unverifiable", "bad-api-url")
    assert "https" in verdict.detail
    path = f"/waInstance{INSTANCE}/getStateInstance/{token}"
    issuers.script(path, Reply(302, None, {"Location": f"{path}?again=1"}))
    local = Settings(env=issuers.env(), url_tokens=True)
    [verdict] = verify_values(pairs, local, facts=facts)
    assert verdict.status == "unverifiable" and "redirected" in verdict.detail
    assert len(issuers.requests) == 1  # the redirect was not followed
    assert token not in repr(verdict)


def test_a_token_without_its_instance_id_is_not_sent(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.green_api_token(seed=76)
    text = f'GREEN_API_TOKEN = "{token}"\n'
    result = _scan(run_cli, tmp_path, text, "--verify", "--verify-url-tokens", "-f", "json")
    v = _verdict(result)
    assert (v["status"], v["reason"]) == ("unsupported", "no-check")
    assert "instance id" in v["detail"]
    assert issuers.requests == []


def test_url_tokens_needs_verify(run_cli: Any, tmp_path: Path) -> None:
    result = _scan(run_cli, tmp_path, "x = 1\n", "--verify-url-tokens")
    assert result.code == 2
    assert "--verify-url-tokens needs --verify" in result.err


def test_history_takes_the_option_too(run_cli: Any, tmp_path: Path) -> None:
    for command in ("scan", "history"):
        result = run_cli(command, "--help")
        assert "--verify-url-tokens" in result.out and "GREEN-API" in result.out
    result = run_cli("history", "--verify-url-tokens", str(tmp_path))
    assert result.code == 2 and "--verify-url-tokens needs --verify" in result.err
