"""``wabaguard scan --verify`` on Meta tokens, against a local Graph API (fake_issuers)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_issuers import VERSION, FakeIssuers, Reply, graph_error, serving

import fakes

DEBUG = f"/{VERSION}/debug_token"
WABA = "102290129340398"


@pytest.fixture
def issuers(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIssuers]:
    with serving(monkeypatch) as fake:
        yield fake


def _repo(tmp_path: Path, *tokens: str, name: str = "app.py") -> Path:
    lines = [f'WHATSAPP_TOKEN_{i} = "{t}"' for i, t in enumerate(tokens)]
    (tmp_path / name).write_text("\n".join(lines) + "\n")
    return tmp_path


def _verification(doc: dict[str, Any], rule: str = "meta-access-token") -> dict[str, Any]:
    [f] = [f for f in doc["findings"] if f["rule"] == rule]
    return f["properties"]["verification"]  # type: ignore[no-any-return]


def _assert_token_only_in_header_and_body(fake: FakeIssuers, token: str) -> None:
    assert fake.requests
    for seen in fake.requests:
        assert token not in seen.target  # never in a URL
        assert seen.headers.get("Authorization") == f"Bearer {token}"
        others = {k: v for k, v in seen.headers.items() if k != "Authorization"}
        assert token not in json.dumps(others)
        if seen.body:
            assert seen.method == "POST" and seen.path == DEBUG


def test_no_request_without_verify(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    token = fakes.meta_token(seed=11)
    issuers.active(token)
    result = run_cli("scan", "-f", "json", str(_repo(tmp_path, token)))
    assert result.code == 1
    assert issuers.requests == []
    assert "--verify" not in result.err
    assert "verification" not in result.out


def test_active_system_user_token_with_its_phone_numbers(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=12)
    issued = int((dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)).timestamp())
    issuers.active(
        token,
        issued_at=issued,
        granular_scopes=[
            {"scope": "whatsapp_business_management", "target_ids": [WABA]},
            {"scope": "whatsapp_business_messaging", "target_ids": [WABA]},
        ],
    )
    issuers.accounts[WABA] = [
        {"verified_name": "Acme Support", "display_phone_number": "+1 555-0100", "id": "1061"},
        {"verified_name": "Acme Sales", "display_phone_number": "+1 555-0101", "id": "1062"},
    ]
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    assert result.code == 1
    doc = result.json()
    assert [f["rule"] for f in doc["findings"]] == ["meta-access-token"]  # least privilege ok
    v = _verification(doc)
    assert v["status"] == "active" and v["issuer"] == "meta"
    assert v["token_type"] == "SYSTEM_USER" and v["app_id"] == "123456789012345"
    assert v["expires_at"] == "never" and v["issued_at"].endswith("Z")
    assert v["scopes"] == ["whatsapp_business_management", "whatsapp_business_messaging"]
    assert v["excess_scopes"] == []
    [account] = v["whatsapp_business_accounts"]
    assert account["id"] == WABA
    assert [n["display_phone_number"] for n in account["phone_numbers"]] == [
        "+1 555-0100",
        "+1 555-0101",
    ]
    notes = doc["findings"][0]["notes"]
    assert any(n.startswith("verified active by 127.0.0.1:") for n in notes)
    assert any(
        "can message as +1 555-0100 (Acme Support), +1 555-0101 (Acme Sales)" in n for n in notes
    )
    # One debug_token POST (token in header and body), one read of the account's numbers.
    assert [(s.method, s.path) for s in issuers.requests] == [
        ("POST", DEBUG),
        ("GET", f"/{VERSION}/{WABA}/phone_numbers"),
    ]
    form = dict(x.split("=", 1) for x in issuers.requests[0].body.split("&"))
    assert form["method"] == "GET" and "input_token" in form
    _assert_token_only_in_header_and_body(issuers, token)
    # Said once, before sending, on stderr, with the host.
    assert result.err.count("sending 1 found credential value(s)") == 1
    assert issuers.url.removeprefix("http://") in result.err
    assert token not in result.out + result.err


def test_user_token_with_business_management_issued_long_ago(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=13)
    issued = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=200)
    issuers.active(
        token,
        type="USER",
        issued_at=int(issued.timestamp()),
        expires_at=int((issued + dt.timedelta(days=260)).timestamp()),
        scopes=["business_management", "whatsapp_business_messaging", "public_profile"],
    )
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    assert result.code == 1
    by_rule = {f["rule"]: f for f in result.json()["findings"]}
    assert set(by_rule) == {
        "meta-access-token",
        "over-privileged-token",
        "meta-user-token",
        "stale-credential",
    }
    over = by_rule["over-privileged-token"]
    assert over["severity"] == "critical"
    assert over["properties"]["excess_scopes"] == ["business_management"]  # not public_profile
    assert "business_management" in over["message"]
    assert by_rule["meta-user-token"]["severity"] == "medium"
    stale = by_rule["stale-credential"]
    assert stale["properties"]["age_days"] == 200
    assert stale["line"] == by_rule["meta-access-token"]["line"]  # at the token's place
    assert token not in result.out + result.err


def test_a_recent_token_is_not_stale(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    token = fakes.meta_token(seed=14)
    issued = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
    issuers.active(token, issued_at=int(issued.timestamp()))
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    assert [f["rule"] for f in result.json()["findings"]] == ["meta-access-token"]


@pytest.mark.parametrize(
    ("subcode", "reason"),
    [
        (463, "expired"),
        (460, "password-changed"),
        (458, "app-removed"),
        (466, "revoked"),
        (None, "invalid"),
        (999, "invalid-999"),
    ],
)
def test_error_190_and_its_subcodes_are_invalid(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, subcode: int | None, reason: str
) -> None:
    token = fakes.meta_token(seed=15)
    issuers.token_errors[token] = Reply(
        400, graph_error(190, "Error validating access token: Session has expired", subcode)
    )
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    v = _verification(result.json())
    assert (v["status"], v["reason"]) == ("invalid", reason)
    assert len(issuers.requests) == 1  # a 400 is not retried


def test_is_valid_false_in_a_200_is_invalid(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=16)
    issuers.script(
        DEBUG,
        Reply(
            200,
            {"data": {"is_valid": False, "error": {"code": 190, "subcode": 463, "message": "x"}}},
        ),
    )
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    v = _verification(result.json())
    assert (v["status"], v["reason"]) == ("invalid", "expired")


def test_appsecret_proof_required_is_unverifiable(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=17)
    issuers.token_errors[token] = Reply(
        400,
        graph_error(100, "API calls from the server require an appsecret_proof argument"),
    )
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    v = _verification(result.json())
    assert (v["status"], v["reason"]) == ("unverifiable", "appsecret-proof-required")


def test_a_429_is_retried_after_its_retry_after(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=18)
    issuers.active(token)
    issuers.script(
        DEBUG, Reply(429, graph_error(4, "Application request limit reached"), {"Retry-After": "0"})
    )
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    assert _verification(result.json())["status"] == "active"
    assert len(issuers.seen(DEBUG)) == 2


def test_a_long_retry_after_is_not_waited_for(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=19)
    issuers.active(token)
    issuers.script(
        DEBUG,
        Reply(429, graph_error(4, "Application request limit reached"), {"Retry-After": "3600"}),
    )
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    v = _verification(result.json())
    assert (v["status"], v["reason"]) == ("unverifiable", "rate-limited")
    assert len(issuers.seen(DEBUG)) == 1


def test_graph_rate_limit_codes_are_unverifiable(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=20)
    issuers.token_errors[token] = Reply(400, graph_error(80007, "rate limit hit for this WABA"))
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    v = _verification(result.json())
    assert (v["status"], v["reason"]) == ("unverifiable", "rate-limited")


def test_a_5xx_is_retried(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    token = fakes.meta_token(seed=21)
    issuers.active(token)
    issuers.script(
        DEBUG, Reply(503, {"error": {"message": "busy", "code": 2}}, {"Retry-After": "0"})
    )
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    assert _verification(result.json())["status"] == "active"
    assert len(issuers.seen(DEBUG)) == 2


def test_a_slow_issuer_times_out(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    token = fakes.meta_token(seed=22)
    issuers.active(token)
    issuers.delay[DEBUG] = 2.0
    result = run_cli(
        "scan", "--verify", "--verify-timeout", "0.3", "-f", "json", str(_repo(tmp_path, token))
    )
    v = _verification(result.json())
    assert (v["status"], v["reason"]) == ("unverifiable", "timeout")
    assert result.code == 1  # the finding stands; a failed check is no scan error


def test_fallback_to_me_when_the_post_is_refused(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=23)
    issuers.active(token, scopes=["whatsapp_business_messaging", "ads_management"])
    issuers.refuse_post = True
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    doc = result.json()
    v = _verification(doc)
    assert v["status"] == "active" and v["reason"] == "debug-token-unavailable"
    assert set(v["unknown"]) >= {"token_type", "app_id", "expires_at", "granular_scopes"}
    assert v["scopes"] == ["whatsapp_business_messaging", "ads_management"]
    assert "over-privileged-token" in {f["rule"] for f in doc["findings"]}
    assert [(s.method, s.path) for s in issuers.requests] == [
        ("POST", DEBUG),
        ("GET", f"/{VERSION}/me"),
        ("GET", f"/{VERSION}/me/permissions"),
    ]
    assert [s.body for s in issuers.requests[1:]] == ["", ""]
    _assert_token_only_in_header_and_body(issuers, token)


def test_one_call_per_distinct_token(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    token = fakes.meta_token(seed=24)
    issuers.active(token)
    for name in ("a.py", "b.py", "c.env"):
        _repo(tmp_path, token, name=name)
    result = run_cli("scan", "--verify", "-f", "json", str(tmp_path))
    findings = result.json()["findings"]
    assert len(findings) == 3
    assert {f["properties"]["verification"]["status"] for f in findings} == {"active"}
    assert len(issuers.seen(DEBUG)) == 1


def test_only_active(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    live, dead = fakes.meta_token(seed=25), fakes.meta_token(seed=26)
    issuers.active(live)
    (tmp_path / "workflow.yml").write_text("x: 1\n")
    result = run_cli(
        "scan", "--verify", "--only-active", "-f", "json", str(_repo(tmp_path, live, dead))
    )
    findings = result.json()["findings"]
    assert [f["line"] for f in findings] == [1]
    assert findings[0]["properties"]["verification"]["status"] == "active"
    assert "--only-active left out 1 other finding(s)" in result.err
    issuers.tokens.clear()
    result = run_cli("scan", "--verify", "--only-active", str(tmp_path))
    assert result.code == 0  # nothing active: nothing reported


def test_only_active_needs_verify(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    result = run_cli("scan", "--only-active", str(_repo(tmp_path, fakes.meta_token(seed=27))))
    assert result.code == 2 and "--only-active needs --verify" in result.err
    assert issuers.requests == []


def test_plain_http_to_a_remote_host_is_refused_before_sending(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WABAGUARD_GRAPH_API_URL", "http://graph.example.invalid")
    result = run_cli(
        "scan", "--verify", "-f", "json", str(_repo(tmp_path, fakes.meta_token(seed=28)))
    )
    v = _verification(result.json())
    assert (v["status"], v["reason"]) == ("unverifiable", "bad-api-url")


def test_a_server_echoing_the_token_does_not_leak_it(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=29)
    issuers.token_errors[token] = Reply(400, graph_error(190, f"Malformed access token {token}"))
    (tmp_path / "src").mkdir()
    report = tmp_path / "r.txt"
    result = run_cli(
        "scan",
        "--verify",
        "-f",
        "json",
        "--report",
        f"text={report}",
        str(_repo(tmp_path / "src", token)),
    )
    v = _verification(result.json())
    assert v["status"] == "invalid"
    assert "Malformed access token" in v["detail"]
    everything = result.out + result.err + report.read_text()
    assert token not in everything
    assert token[8:40] not in everything


def test_suppressed_and_baselined_tokens_are_not_sent(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    ignored, baselined = fakes.meta_token(seed=30), fakes.meta_token(seed=31)
    (tmp_path / "a.py").write_text(f'T = "{ignored}"  # wabaguard: ignore[meta-access-token]\n')
    (tmp_path / "b.py").write_text(f'WHATSAPP_TOKEN = "{baselined}"\n')
    assert run_cli("baseline", str(tmp_path / ".secrets.baseline"), str(tmp_path)).code == 0
    result = run_cli(
        "scan", "--verify", "--baseline", str(tmp_path / ".secrets.baseline"), str(tmp_path)
    )
    assert result.code == 0
    assert issuers.requests == []
    assert "no credential found; nothing is sent" in result.err


def test_a_hostile_answer_is_capped_and_escaped(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=32)
    issuers.active(
        token,
        application="\x1b[31mEvil\x1b[0m" + "A" * 5000,
        scopes=["whatsapp_business_messaging", 7, None],
        granular_scopes=[
            "junk",
            {"scope": "whatsapp_business_messaging", "target_ids": ["../../me", WABA]},
        ],
        expires_at=True,
    )
    issuers.accounts[WABA] = [{"verified_name": "\x1b]8;;http://x\x07Acme", "id": "1"}]
    result = run_cli("scan", "--verify", str(_repo(tmp_path, token)))
    assert result.code == 1
    assert "\x1b" not in result.out
    assert len(max(result.out.splitlines(), key=len)) < 1000
    # Only the numeric account id is asked about: a server cannot steer the next request.
    assert [s.path for s in issuers.requests] == [DEBUG, f"/{VERSION}/{WABA}/phone_numbers"]
    doc = run_cli("scan", "--verify", "-f", "json", str(tmp_path)).json()
    v = doc["findings"][0]["properties"]["verification"]
    assert v["scopes"] == ["whatsapp_business_messaging"] and "expires_at" not in v


def test_retries_are_bounded(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    token = fakes.meta_token(seed=33)
    issuers.active(token)
    busy = Reply(429, graph_error(4, "Application request limit reached"), {"Retry-After": "0"})
    issuers.script(DEBUG, *[busy] * 10)
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, token)))
    v = _verification(result.json())
    assert (v["status"], v["reason"]) == ("unverifiable", "rate-limited")
    assert len(issuers.seen(DEBUG)) == 3  # the first attempt and two retries


def test_concurrency_is_bounded(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    tokens = [fakes.meta_token(seed=100 + i) for i in range(10)]
    for token in tokens:
        issuers.active(token)
    issuers.delay[DEBUG] = 0.1  # long enough for checks to overlap
    result = run_cli("scan", "--verify", "-f", "json", str(_repo(tmp_path, *tokens)))
    assert len(issuers.seen(DEBUG)) == 10
    assert {f["properties"]["verification"]["status"] for f in result.json()["findings"]} == {
        "active"
    }
    assert 1 < issuers.max_in_flight <= 4
