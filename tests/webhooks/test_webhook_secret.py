"""webhook-secret-hardcoded (issue 17): a handler's app secret or verify token written in its
file, tied to the handler, never shown, one finding with the credential rule on the same value,
and baselines (wabaguard's and plain detect-secrets') working as before."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fakes import hex_string

RULE = "webhook-secret-hardcoded"
FORMATS = ("text", "json", "sarif", "github", "markdown")
_WORDS = ("meadow", "lantern", "quartz", "falcon", "harbor", "granite", "orchid", "basin")

FLASK = """\
import hashlib
import hmac
import os

from flask import Flask, abort, request

app = Flask(__name__)
{binding}


@app.route("/webhook", methods=["GET"])
def subscribe():
    if request.args.get("hub.verify_token") == {token}:
        return request.args.get("hub.challenge", ""), 200
    return "forbidden", 403


@app.route("/webhook", methods=["POST"])
def receive():
    signature = request.headers.get("X-Hub-Signature-256", "")
    digest = hmac.new({key}, request.get_data(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, "sha256=" + digest):
        abort(401)
    for entry in request.get_json()["entry"]:
        print(entry["changes"][0]["value"].get("messages"))
    return "ok", 200
"""
BINDING_LINE = 8
RECEIVE_LINE = 19
ENV_TOKEN = 'os.environ["WHATSAPP_VERIFY_TOKEN"]'
ENV_KEY = 'os.environ["WHATSAPP_APP_SECRET"].encode()'


def words_value() -> str:
    """A value no shape detector reports (words and digits), made at run time."""
    rng = random.Random()
    return "-".join(rng.sample(_WORDS, 3)) + f"-{rng.randrange(1000, 9999)}"


def _write(root: Path, binding: str = "", token: str = ENV_TOKEN, key: str = ENV_KEY) -> Path:
    path = root / "app.py"
    path.write_text(FLASK.format(binding=binding, token=token, key=key), encoding="utf-8")
    return path


def _scan(run_cli: Any, root: Path, *args: str) -> dict[str, Any]:
    result = run_cli("scan", ".", "--format", "json", *args, cwd=root)
    assert result.code in (0, 1), result.err
    document: dict[str, Any] = result.json()
    assert document["errors"] == []
    return document


def _ours(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        f for f in document["findings"] if f["rule"] == RULE or RULE in f.get("related_rules", [])
    ]


def test_a_constant_key_is_reported_on_its_line_naming_the_handler(run_cli, tmp_path: Path) -> None:
    value = words_value()
    _write(tmp_path, binding=f'SIGNING_KEY = "{value}"', key="SIGNING_KEY.encode()")
    [finding] = _ours(_scan(run_cli, tmp_path))
    assert finding["rule"] == RULE  # no shape detector knows this value: ours alone
    assert finding["line"] == BINDING_LINE
    assert "`receive` (flask) keys its X-Hub-Signature-256 HMAC" in finding["message"]
    assert "the constant `SIGNING_KEY`" in finding["message"]
    assert finding["properties"]["function"] == "receive"
    assert finding["properties"]["function_line"] == RECEIVE_LINE
    assert finding["properties"]["secret_role"] == "app secret"  # pragma: allowlist secret
    assert finding["severity"] == "high"
    notes = " ".join(finding["notes"])
    assert f"the app secret of `receive` (flask) at line {RECEIVE_LINE}" in notes
    assert 'Fix for flask: read the app secret from os.environ["WHATSAPP_APP_SECRET"]' in notes


def test_a_verify_token_in_place_is_reported_at_low_severity(run_cli, tmp_path: Path) -> None:
    value = words_value()
    _write(tmp_path, token=f'"{value}"')
    [finding] = _ours(_scan(run_cli, tmp_path))
    assert finding["line"] == 13
    assert finding["severity"] == "low"  # the handshake only: as whatsapp-verify-token
    assert "`subscribe` (flask)" in " ".join(finding["notes"])
    assert f"{RULE}" in [finding["rule"], *finding["related_rules"]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_format_carries_the_value(fmt: str, run_cli, tmp_path: Path) -> None:
    key, token = words_value(), words_value()
    _write(tmp_path, binding=f'SIGNING_KEY = b"{key}"', token=f'"{token}"', key="SIGNING_KEY")
    out = tmp_path / "report.out"
    result = run_cli("scan", ".", "--format", fmt, "--output", str(out), cwd=tmp_path)
    assert result.code == 1
    report = out.read_text(encoding="utf-8")
    assert RULE in report  # the findings are there...
    for value in (key, token):
        assert value not in report  # ...their values are not
        assert value not in result.out + result.err


def test_the_same_value_as_a_credential_is_one_finding(run_cli, tmp_path: Path) -> None:
    """A 32-hex app secret is meta-app-secret's by shape: one finding, ours related, with the
    handler's story in its notes and properties."""
    value = hex_string(32)
    _write(tmp_path, binding=f'APP_SECRET = "{value}"', key="APP_SECRET.encode()")
    document = _scan(run_cli, tmp_path)
    on_line = [f for f in document["findings"] if f["line"] == BINDING_LINE]
    assert len(on_line) == 1, [f["rule"] for f in on_line]
    [finding] = on_line
    assert finding["rule"] == "meta-app-secret"
    assert finding["related_rules"] == [RULE]
    assert finding["properties"]["function"] == "receive"
    assert finding["properties"]["secret_role"] == "app secret"  # pragma: allowlist secret
    assert any("the app secret of `receive` (flask)" in note for note in finding["notes"])
    assert value not in json.dumps(document)


def test_a_detect_secrets_baseline_still_suppresses_it(run_cli, tmp_path: Path) -> None:
    """Written by plain detect-secrets (which knows nothing of webhooks): the literal it
    recorded by hash stays suppressed, merged finding and all."""
    value = hex_string(32)
    _write(tmp_path, binding=f'APP_SECRET = "{value}"', key="APP_SECRET.encode()")
    proc = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan", "--all-files", "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    recorded = json.loads(proc.stdout)
    assert recorded["results"]["app.py"], "detect-secrets should record the literal"
    (tmp_path / ".secrets.baseline").write_text(proc.stdout, encoding="utf-8")
    assert _ours(_scan(run_cli, tmp_path)), "reported without the baseline"
    document = _scan(run_cli, tmp_path, "--baseline", ".secrets.baseline")
    assert _ours(document) == []


def test_a_wabaguard_baseline_keeps_it_suppressed_when_lines_move(run_cli, tmp_path: Path) -> None:
    value = words_value()
    path = _write(tmp_path, binding=f'SIGNING_KEY = "{value}"', key="SIGNING_KEY.encode()")
    assert run_cli("baseline", ".secrets.baseline", cwd=tmp_path).code == 0
    baseline = (tmp_path / ".secrets.baseline").read_text(encoding="utf-8")
    assert value not in baseline
    path.write_text("# moved\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert _ours(_scan(run_cli, tmp_path, "--baseline", ".secrets.baseline")) == []


def test_a_suppression_comment_on_the_literal_line(run_cli, tmp_path: Path) -> None:
    value = words_value()
    binding = f'SIGNING_KEY = "{value}"  # wabaguard: ignore[{RULE}]'
    _write(tmp_path, binding=binding, key="SIGNING_KEY.encode()")
    document = _scan(run_cli, tmp_path)
    assert _ours(document) == []
    assert document["stats"]["findings_suppressed"] == 1


def test_disabled_or_overridden(run_cli, tmp_path: Path) -> None:
    value = words_value()
    _write(
        tmp_path, binding=f'SIGNING_KEY = "{value}"', token=f'"{words_value()}"', key="SIGNING_KEY"
    )
    (tmp_path / ".wabaguard.toml").write_text(f'[severity]\n"{RULE}" = "medium"\n')
    found = {f["line"]: (f["rule"], f["severity"]) for f in _ours(_scan(run_cli, tmp_path))}
    # The override wins over the rule's severity; the verify token is whatsapp-verify-token's
    # finding (a shape detector knows it), so that rule's severity applies there.
    assert found == {BINDING_LINE: (RULE, "medium"), 13: ("whatsapp-verify-token", "low")}
    (tmp_path / ".wabaguard.toml").write_text(f'disable = ["{RULE}"]\n')
    assert _ours(_scan(run_cli, tmp_path)) == []


def test_an_environment_fallback_is_low_confidence(run_cli, tmp_path: Path) -> None:
    value = words_value()
    binding = f'SIGNING_KEY = os.getenv("WHATSAPP_APP_KEY", "{value}")'
    _write(tmp_path, binding=binding, key="SIGNING_KEY.encode()")
    assert _ours(_scan(run_cli, tmp_path)) == []  # hidden by the default --min-confidence
    [finding] = _ours(_scan(run_cli, tmp_path, "--min-confidence", "low"))
    assert finding["confidence"] == "low"
    assert "fallback of an environment lookup" in finding["message"]


@pytest.mark.parametrize(
    ("binding", "token", "key"),
    [
        ("", ENV_TOKEN, ENV_KEY),  # the recommended form
        ('KEY = os.getenv("WHATSAPP_APP_SECRET", "")', ENV_TOKEN, "KEY.encode()"),
        ('KEY = os.getenv("WHATSAPP_APP_SECRET", "changeme")', ENV_TOKEN, "KEY.encode()"),
        ("", '"your_verify_token"', ENV_KEY),
        ("", '"my_verify_token"', ENV_KEY),
        ("", '"<verify-token>"', ENV_KEY),
        ("", '"WHATSAPP_VERIFY_TOKEN"', ENV_KEY),
        ("", '""', ENV_KEY),
        ('KEY = "first-value-1234"\nKEY = os.environ["K"]', ENV_TOKEN, "KEY.encode()"),
        ("", ENV_TOKEN, 'os.environ.get("WHATSAPP_APP_SECRET", "").encode()'),
    ],
)
def test_near_misses(binding: str, token: str, key: str, run_cli, tmp_path: Path) -> None:
    _write(tmp_path, binding=binding, token=token, key=key)
    assert [f["line"] for f in _ours(_scan(run_cli, tmp_path, "--min-confidence", "low"))] == []


def test_a_literal_key_outside_a_webhook_handler_is_not_ours(run_cli, tmp_path: Path) -> None:
    value = words_value()
    (tmp_path / "sign.py").write_text(
        "import hashlib\nimport hmac\n\n\n"
        "def sign_outgoing(body):\n"
        f'    return "sha256=" + hmac.new(b"{value}", body, hashlib.sha256).hexdigest()\n',
        encoding="utf-8",
    )
    assert _ours(_scan(run_cli, tmp_path, "--min-confidence", "low")) == []
