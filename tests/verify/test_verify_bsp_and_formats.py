"""--verify on BSP keys, in every format, and the reusable API (``verify_values``)."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_issuers import VERSION, FakeIssuers, serving

import fakes
from wabaguard.reporters import FORMATS


@pytest.fixture
def issuers(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIssuers]:
    with serving(monkeypatch) as fake:
        yield fake


def _write(tmp_path: Path, **values: str) -> Path:
    lines = {
        "meta": 'WHATSAPP_TOKEN = "{}"',
        "messagebird": 'MESSAGEBIRD_API_KEY = "{}"',
        "infobip": 'INFOBIP_API_KEY = "{}"',
        "d360": 'headers = {{"D360-API-KEY": "{}"}}',
        "green": 'GREEN_API_TOKEN = "{}"  # waInstance1101000001',
    }
    (tmp_path / "app.py").write_text("".join(lines[k].format(v) + "\n" for k, v in values.items()))
    return tmp_path


def _by_rule(result: Any) -> dict[str, dict[str, Any]]:
    return {f["rule"]: f["properties"].get("verification", {}) for f in result.json()["findings"]}


def test_bsp_keys_live_and_refused(run_cli: Any, tmp_path: Path, issuers: FakeIssuers) -> None:
    live_bird, live_infobip = fakes.messagebird_key(seed=31), fakes.infobip_key(seed=32)
    dead_d360 = fakes.d360_key(seed=33)
    issuers.messagebird_keys.add(live_bird)
    issuers.infobip_keys.add(live_infobip)
    green = fakes.green_api_token(seed=34)
    repo = _write(
        tmp_path, messagebird=live_bird, infobip=live_infobip, d360=dead_d360, green=green
    )
    result = run_cli("scan", "--verify", "-f", "json", str(repo))
    v = _by_rule(result)
    assert v["messagebird-access-key"]["status"] == "active"
    assert v["messagebird-access-key"]["payment"] == "prepaid"
    assert v["infobip-api-key"]["status"] == "active"
    assert (v["dialog360-api-key"]["status"], v["dialog360-api-key"]["reason"]) == (
        "invalid",
        "rejected",
    )
    # GREEN-API reads its token from the URL path only: not sent without --verify-url-tokens.
    assert v["green-api-token"]["status"] == "unsupported"
    assert v["green-api-token"]["reason"] == "url-token-not-allowed"
    assert "URL" in v["green-api-token"]["detail"]
    assert sorted(s.path for s in issuers.requests) == [
        "/account/1/balance",
        "/balance",
        "/v1/configs/webhook",
    ]
    headers = {s.path: {k.lower(): v for k, v in s.headers.items()} for s in issuers.requests}
    assert headers["/balance"]["authorization"] == f"AccessKey {live_bird}"
    assert headers["/account/1/balance"]["authorization"] == f"App {live_infobip}"
    assert headers["/v1/configs/webhook"]["d360-api-key"] == dead_d360
    for seen in issuers.requests:
        assert seen.method == "GET" and seen.body == ""
        for value in (live_bird, live_infobip, dead_d360, green):
            assert value not in seen.target
    for value in (live_bird, live_infobip, dead_d360, green):
        assert value not in result.out + result.err
    assert "sending 3 found credential value(s)" in result.err


def test_a_360dialog_sandbox_key_is_not_sent(issuers: FakeIssuers) -> None:
    # The scan does not report sandbox keys; a caller of the API (history) may hand one.
    from wabaguard.online.verify import Settings, planned_hosts, verify_values

    pairs = [("dialog360-api-key", fakes.alnum(24, 35) + "_sandbox")]
    settings = Settings(env=issuers.env())
    assert planned_hosts(pairs, settings) == {}
    [verdict] = verify_values(pairs, settings)
    assert (verdict.status, verdict.reason) == ("unsupported", "sandbox-key")
    assert issuers.requests == []


def _active_setup(issuers: FakeIssuers) -> str:
    token = fakes.meta_token(seed=36)
    issuers.active(
        token,
        type="USER",
        scopes=["business_management", "whatsapp_business_messaging"],
        granular_scopes=[{"scope": "whatsapp_business_messaging", "target_ids": ["4242"]}],
    )
    issuers.accounts["4242"] = [
        {"verified_name": "Acme Support", "display_phone_number": "+1 555-0199", "id": "77"}
    ]
    return token


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_verdict_in_every_format(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers, fmt: str
) -> None:
    token = _active_setup(issuers)
    result = run_cli("scan", "--verify", "-f", fmt, str(_write(tmp_path, meta=token)))
    assert result.code == 1
    out = result.out
    assert token not in out + result.err
    assert token[10:30] not in out + result.err
    if fmt == "json":
        v = _by_rule(result)["meta-access-token"]
        assert v["status"] == "active"
        assert v["whatsapp_business_accounts"][0]["phone_numbers"][0]["verified_name"] == (
            "Acme Support"
        )
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        by_rule = {r["ruleId"]: r for r in results}
        assert by_rule["meta-access-token"]["properties"]["verification"]["status"] == "active"
        assert by_rule["over-privileged-token"]["level"] == "error"
        assert "meta-user-token" in by_rule
    else:
        colon = "\\:" if fmt == "markdown" else ":"  # Markdown cells escape markup
        assert f"verified active by 127.0.0.1{colon}" in out
        assert "+1 555-0199 (Acme Support)" in out
        assert "over-privileged-token" in out


def test_verify_values_is_reusable_and_calls_once_per_value(issuers: FakeIssuers) -> None:
    """The API ``history --verify`` calls: (rule id or secret type, raw value) pairs."""
    from wabaguard.online.verify import Settings, verify_values

    token = _active_setup(issuers)
    bird = fakes.messagebird_key(seed=37)
    verdicts = verify_values(
        [
            ("meta-access-token", token),
            ("Meta Access Token", token),  # the detect-secrets secret type: the same check
            ("messagebird-access-key", bird),
            ("aws-access-key", fakes.aws_access_key_id(seed=38)),
        ],
        Settings(env=issuers.env()),
    )
    assert [v.status for v in verdicts] == ["active", "active", "invalid", "unsupported"]
    assert verdicts[0] is verdicts[1]
    assert verdicts[0].facts["token_type"] == "USER"
    assert len([s for s in issuers.requests if s.path == f"/{VERSION}/debug_token"]) == 1
    assert token not in repr(verdicts)


def test_raw_values_never_serialise_and_parallel_jobs_still_verify(
    run_cli: Any, tmp_path: Path, issuers: FakeIssuers
) -> None:
    from wabaguard.core.builder import RawCredentials

    raw = RawCredentials()
    raw.add("h", "meta-access-token", "s3cr3t-raw")
    with pytest.raises(TypeError):
        pickle.dumps(raw)
    assert "s3cr3t-raw" not in repr(raw)
    token = _active_setup(issuers)
    for i in range(70):  # enough files for the scan to choose worker processes
        (tmp_path / f"f{i}.py").write_text("x = 1\n")
    result = run_cli("scan", "--verify", "-j", "2", "-f", "json", str(_write(tmp_path, meta=token)))
    assert _by_rule(result)["meta-access-token"]["status"] == "active"


def test_an_app_access_token_inspects_itself(issuers: FakeIssuers) -> None:
    from wabaguard.online.verify import Settings, verify_values

    app_token = fakes.meta_app_token(seed=39)
    issuers.active(app_token, type="APP", scopes=[])
    [verdict] = verify_values([("meta-app-access-token", app_token)], Settings(env=issuers.env()))
    assert verdict.status == "active" and verdict.facts["token_type"] == "APP"
    [seen] = issuers.requests
    assert seen.headers["Authorization"] == f"Bearer {app_token}"
    assert app_token not in seen.target and "|" not in seen.target
