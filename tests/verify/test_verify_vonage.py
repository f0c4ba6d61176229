"""--verify on Vonage API secrets: the balance read, with the API key found beside them."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_issuers import FakeIssuers, Reply, serving

import fakes
from wabaguard.reporters import FORMATS

BALANCE = "/account/get-balance"


@pytest.fixture
def issuers(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIssuers]:
    with serving(monkeypatch) as fake:
        yield fake


def _pair(seed: int) -> tuple[str, str]:
    # A secret with letters and digits, as Vonage issues them (16 characters).
    return fakes.hex_string(8, seed=seed), fakes.alnum(14, seed=seed + 500) + f"{seed % 90 + 10}"


# The shapes the detector pairs a secret with its key in (Vonage's own samples' names).
SHAPES = {
    "env": ("settings.env", "VONAGE_API_KEY={key}\nVONAGE_API_SECRET={secret}\n"),
    "nexmo": ("settings.py", 'NEXMO_API_KEY = "{key}"\nNEXMO_API_SECRET = "{secret}"\n'),
    "node": (
        "sms.js",
        "const vonage = new Vonage({{\n  apiKey: '{key}',\n  apiSecret: '{secret}',\n}});\n",
    ),
    "python": ("sms.py", 'client = vonage.Client(key="{key}", secret="{secret}")\n'),
    "python-auth": ("sms.py", 'client = Vonage(Auth(api_key="{key}", api_secret="{secret}"))\n'),
}


def _scan(run_cli: Any, tmp_path: Path, shape: str, key: str, secret: str, *args: str) -> Any:
    name, text = SHAPES[shape]
    (tmp_path / name).write_text(text.format(key=key, secret=secret))
    return run_cli("scan", *args, str(tmp_path))


def _secret_verdict(result: Any) -> dict[str, Any]:
    [finding] = [
        f
        for f in result.json()["findings"]
        if f["rule"] == "bsp-api-key" and f["properties"].get("vonage_api_key")
    ]
    verification: dict[str, Any] = finding["properties"]["verification"]
    return verification


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_an_active_secret_is_checked_with_its_key(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, shape: str
) -> None:
    key, secret = _pair(61)
    issuers.vonage_accounts[key] = secret
    result = _scan(run_cli, tmp_path, shape, key, secret, "--verify", "-f", "json")
    v = _secret_verdict(result)
    assert (v["status"], v["issuer"]) == ("active", "vonage")
    assert "value" not in v and "balance" not in str(v)  # account data is not reported
    [seen] = issuers.seen(BALANCE)  # the key alone is not sent anywhere
    assert len(issuers.requests) == 1
    basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
    assert (seen.method, seen.target, seen.body) == ("GET", BALANCE, "")
    assert seen.headers["Authorization"] == f"Basic {basic}"
    for text in (secret, basic):
        assert text not in result.out + result.err
    assert "127.0.0.1" in result.err and "sending 1 found credential value(s)" in result.err


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_secret_is_in_no_output_format(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, fmt: str
) -> None:
    key, secret = _pair(62)
    issuers.vonage_accounts[key] = secret
    result = _scan(run_cli, tmp_path, "env", key, secret, "--verify", "-f", fmt)
    assert result.code == 1
    basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
    for text in (secret, secret[4:], basic, key):
        assert text not in result.out + result.err
    if fmt in ("text", "markdown", "github"):
        assert "verified active by 127.0.0.1" in result.out
    else:
        assert '"status": "active"' in result.out


def test_a_refused_secret_is_invalid(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    key, secret = _pair(63)
    issuers.vonage_accounts[key] = _pair(64)[1]  # rotated since
    result = _scan(run_cli, tmp_path, "node", key, secret, "--verify", "-f", "json")
    v = _secret_verdict(result)
    assert (v["status"], v["reason"]) == ("invalid", "rejected")
    assert "401" in v["detail"]
    assert secret not in result.out + result.err


def test_rate_limited_then_retried(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    key, secret = _pair(65)
    issuers.vonage_accounts[key] = secret
    issuers.script(BALANCE, Reply(429, {"title": "Too Many Requests"}, {"Retry-After": "0"}))
    v = _secret_verdict(_scan(run_cli, tmp_path, "env", key, secret, "--verify", "-f", "json"))
    assert v["status"] == "active"
    assert len(issuers.seen(BALANCE)) == 2  # the 429, then the bounded retry


def test_a_slow_answer_is_a_timeout(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    key, secret = _pair(66)
    issuers.vonage_accounts[key] = secret
    issuers.delay[BALANCE] = 1.5
    args = ("--verify", "--verify-timeout", "0.3", "-f", "json")
    v = _secret_verdict(_scan(run_cli, tmp_path, "env", key, secret, *args))
    assert (v["status"], v["reason"]) == ("unverifiable", "timeout")


def test_a_200_that_is_not_a_balance_is_unverifiable(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    key, secret = _pair(67)
    issuers.script(BALANCE, Reply(200, {"hello": "proxy"}))
    v = _secret_verdict(_scan(run_cli, tmp_path, "env", key, secret, "--verify", "-f", "json"))
    assert (v["status"], v["reason"]) == ("unverifiable", "unexpected-answer")


def test_a_secret_without_its_key_is_not_sent(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    _, secret = _pair(68)
    (tmp_path / "app.env").write_text(f"VONAGE_API_SECRET={secret}\n")
    result = run_cli("scan", "--verify", "-f", "json", str(tmp_path))
    [finding] = result.json()["findings"]
    v = finding["properties"]["verification"]
    assert (v["status"], v["reason"]) == ("unsupported", "no-check")
    assert "API key" in v["detail"]
    assert issuers.requests == []
    assert "nothing is sent" in result.err


def test_no_request_without_verify(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    key, secret = _pair(69)
    issuers.vonage_accounts[key] = secret
    result = _scan(run_cli, tmp_path, "env", key, secret, "-f", "json")
    assert result.code == 1 and "verification" not in result.out
    assert issuers.requests == []


def test_verify_values_sends_the_secret_only_in_the_header(issuers: FakeIssuers) -> None:
    """The API ``history --verify`` calls, with the pairing fact; the log of the request
    line (the target) never holds either value."""
    from wabaguard.online.verify import Settings, planned_hosts, verify_values

    key, secret = _pair(70)
    issuers.vonage_accounts[key] = secret
    pairs = [("bsp-api-key", secret), ("WhatsApp BSP API Key", secret), ("bsp-api-key", key)]
    facts = [{"vonage_api_key": key}, {"vonage_api_key": key}, {}]
    settings = Settings(env=issuers.env())
    assert planned_hosts(pairs, settings, facts) == {"127.0.0.1:" + issuers.url.split(":")[-1]: 1}
    verdicts = verify_values(pairs, settings, facts=facts)
    assert [v.status for v in verdicts] == ["active", "active", "unsupported"]
    [seen] = issuers.requests
    assert key not in seen.target and secret not in seen.target
    assert secret not in repr(verdicts)
