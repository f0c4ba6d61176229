"""The consent line names the hosts that will actually be contacted for the values found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fake_issuers import FakeIssuers

import fakes


def _values() -> tuple[str, str, str, str]:
    key = fakes.hex_string(8, seed=81)
    secret = fakes.alnum(14, seed=82) + "42"
    return fakes.meta_token(seed=83), key, secret, fakes.green_api_token(seed=84)


def _write(tmp_path: Path) -> tuple[str, str, str, str]:
    token, key, secret, green = _values()
    (tmp_path / "app.py").write_text(
        f'WHATSAPP_TOKEN = "{token}"\n'
        f'VONAGE_API_KEY = "{key}"\nVONAGE_API_SECRET = "{secret}"\n'
        "\n" * 8 + f'ID_INSTANCE = "1101000002"\nAPI_TOKEN_INSTANCE = "{green}"\n'
        "\n" * 8 + f'WATI_API_TOKEN = "{fakes.alnum(20, seed=85)}9"\n'  # no check: not sent
    )
    return token, key, secret, green


def _host(fake: FakeIssuers) -> str:
    return fake.url.removeprefix("http://")


@pytest.mark.parametrize("consent", [False, True])
def test_the_notice_lists_each_host_that_is_contacted(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, consent: bool
) -> None:
    token, key, secret, green = _write(tmp_path)
    with FakeIssuers() as graph, FakeIssuers() as vonage, FakeIssuers() as green_api:
        graph.active(token)
        vonage.vonage_accounts[key] = secret
        green_api.green_instances["1101000002"] = (green, "authorized")
        monkeypatch.setenv("WABAGUARD_GRAPH_API_URL", graph.url)
        monkeypatch.setenv("WABAGUARD_VONAGE_API_URL", vonage.url)
        monkeypatch.setenv("WABAGUARD_GREENAPI_API_URL", green_api.url)
        args = ["scan", "--verify", "--no-progress", str(tmp_path)]
        if consent:
            args.insert(2, "--verify-url-tokens")
        result = run_cli(*args)
        [line] = [line for line in result.err.splitlines() if "sending" in line]
        hosts = {f"{_host(graph)} (1)", f"{_host(vonage)} (1)"}
        if consent:
            hosts.add(f"{_host(green_api)} (1)")
        assert f"sending {len(hosts)} found credential value(s)" in line
        listed, _, in_url = line.split("read-only check: ", 1)[1].partition("; in the URL path")
        assert set(listed.split(", ")) == hosts
        if consent:
            assert in_url == f", as --verify-url-tokens allows: {_host(green_api)} (1)"
        else:
            assert in_url == ""
        # Where the notice said, and nowhere else.
        assert len(graph.requests) >= 1 and len(vonage.requests) == 1
        assert len(green_api.requests) == (1 if consent else 0)
        assert all(s.path.startswith("/v23.0/") for s in graph.requests)
        assert [s.path for s in vonage.requests] == ["/account/get-balance"]
        assert ("not sent (GREEN-API (1))" in result.err) is not consent
    for value in (token, secret, green):
        assert value not in result.out + result.err


def test_planned_hosts_with_the_default_urls() -> None:
    from wabaguard.online.verify import Settings, planned_hosts, url_consent_needed

    token, key, secret, green = _values()
    pairs = [
        ("meta-access-token", token),
        ("bsp-api-key", secret),
        ("bsp-api-key", key),
        ("green-api-token", green),
    ]
    facts = [{}, {"vonage_api_key": key}, {}, {"id_instance": "1101000002"}]
    off = Settings(env={})
    assert planned_hosts(pairs, off, facts) == {"graph.facebook.com": 1, "rest.nexmo.com": 1}
    assert url_consent_needed(pairs, off, facts) == {"GREEN-API": 1}
    on = Settings(env={}, url_tokens=True)
    assert planned_hosts(pairs, on, facts) == {
        "graph.facebook.com": 1,
        "rest.nexmo.com": 1,
        "api.green-api.com": 1,
    }
    assert url_consent_needed(pairs, on, facts) == {}
