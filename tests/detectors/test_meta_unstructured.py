"""Meta ``EAA…`` tokens whose leading bytes name no app id.

The structural check (app id + ``0x01`` in the first bytes) makes a finding high-confidence.
A long random ``EAA…`` credential without that structure is still ``meta-access-token``, at
medium confidence, where the line says it is a credential: an ``Authorization: Bearer``
header, the whole value of a credential-named key (any nesting depth of YAML/JSON/TOML),
or a Graph API call within five lines. The same run anywhere else (images, digests,
minified code, base64 blobs) is not reported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from detector_helpers import place, scan, unstructured_meta_token

import fakes
from wabaguard.detectors._formats import meta_app_id
from wabaguard.detectors.base import LineContext
from wabaguard.detectors.meta import MetaAccessTokenDetector
from wabaguard.findings import Confidence


def token() -> str:
    return unstructured_meta_token(seed=900)


def test_the_fixture_token_really_has_no_app_id() -> None:
    assert meta_app_id(token()) is None
    assert meta_app_id(fakes.meta_token(seed=900)) == fakes.FAKE_APP_ID


# (lines, index of the line holding {T}, path): every credential context the issue names.
HITS: list[tuple[list[str], str]] = [
    # A bare assignment to a credential name, in code and config.
    (['ACCESS_TOKEN = "{T}"'], "app.py"),
    (["WHATSAPP_TOKEN={T}"], ".env"),
    (["export META_ACCESS_TOKEN='{T}'"], "deploy.sh"),
    (["const accessToken = `{T}`;"], "index.ts"),
    (['client = WhatsApp(token="{T}", phone_number_id=PHONE_ID)'], "bot.py"),
    (['    "ACCESS_TOKEN = \\"{T}\\"\\n",'], "notebook.ipynb"),
    # Authorization headers, in curl, code and HTTP files.
    (['curl -H "Authorization: Bearer {T}" https://graph.facebook.com/v19.0/me'], "send.sh"),
    (["curl -H 'Authorization: Bearer {T}' https://example.test/hook"], "README.md"),
    (['headers = {{"Authorization": f"Bearer {T}"}}'], "send.py"),
    (['req.Header.Set("Authorization", "Bearer {T}")'], "main.go"),
    (["Authorization: OAuth {T}"], "api.http"),
    # Nested YAML / JSON / TOML: the key sits on the token's line at any depth.
    (["whatsapp:", "  cloud_api:", "    access_token: {T}"], "config.yaml"),
    (["meta:", "  - name: prod", "    token: '{T}'"], "values.yml"),
    (['{{"whatsapp": {{"cloud": {{"access_token": "{T}"}}}}}}'], "settings.json"),
    (
        [
            "{{",
            '  "whatsapp": {{',
            '    "accessToken": "{T}",',
            '    "phoneNumberId": "1"',
            "  }}",
            "}}",
        ],
        "app.json",
    ),
    (["[whatsapp.cloud]", 'access_token = "{T}"'], "config.toml"),
    # A Graph API call nearby: the token passed positionally.
    (
        [
            'resp = requests.post("https://graph.facebook.com/v19.0/123/messages",',
            '    headers=bearer("{T}"))',
        ],
        "send.py",
    ),
    (
        ["graph = GraphAPI(", '    "{T}",', ")", "graph.get_object('me')  # graph.facebook.com"],
        "bot.py",
    ),
    (
        ['payload = {{"messaging_product": "whatsapp", "to": to}}', 'send(payload, "{T}")'],
        "send.py",
    ),
    # The query string of a Graph call.
    (["https://graph.facebook.com/v19.0/me?access_token={T}&fields=id"], "notes.md"),
]


def _where(lines: list[str], value: str) -> tuple[list[str], int, int, int]:
    index = next(i for i, line in enumerate(lines) if "{T}" in line)
    formatted = [line.format() if "{T}" not in line else line for line in lines]
    line, start, end = place(lines[index].replace("{{", "{").replace("}}", "}"), value)
    formatted[index] = line
    return formatted, index, start, end


@pytest.mark.parametrize(("lines", "path"), HITS, ids=lambda v: v if isinstance(v, str) else None)
def test_reported_in_a_credential_context_at_medium_confidence(lines: list[str], path: str) -> None:
    value = token()
    window, index, start, end = _where(lines, value)
    assert scan(window[index], path, window) == [("meta-access-token", start, end)]
    [match] = MetaAccessTokenDetector().scan_line(window[index], LineContext(window, index, path))
    assert match.confidence is Confidence.MEDIUM
    assert value not in match.detail


def test_a_structured_token_keeps_the_rules_high_confidence() -> None:
    line = f'ACCESS_TOKEN = "{fakes.meta_token(seed=901)}"'
    [match] = MetaAccessTokenDetector().scan_line(line, LineContext([line], 0, "app.py"))
    assert match.confidence is None  # the rule's: high
    assert match.detail == f"for Meta app {fakes.FAKE_APP_ID}"


def _b64(seed: int, length: int) -> str:
    import random
    import string

    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(length))


GRAPH = "URL = 'https://graph.facebook.com/v19.0/106540352242922/messages'"

# (lines, path): the same kind of run where nothing says it is a credential, or where it is
# a stretch of something longer. Graph API context is added where it could mislead.
MISSES: list[tuple[list[str], str]] = [
    # No credential context at all.
    (['value = "{T}"'], "app.py"),
    (['print("{T}")'], "app.py"),
    (["items:", "  - {T}"], "list.yaml"),
    (["| example | {T} |"], "table.md"),
    (['{{"id": "{T}"}}'], "data.json"),
    (['!function(){{var e="{T}";return e}}();'], "bundle.min.js"),
    # Images, fonts and blobs: the run is a stretch of longer base64, even near a Graph call.
    ([GRAPH, '<img src="data:image/png;base64,iVBORw0KGgo{B1}+{T}/{B2}==">'], "page.html"),
    (
        [GRAPH, "@font-face{{src:url(data:font/woff2;base64,d09GMgABAAAA{B1}/{T}+{B2})}}"],
        "app.min.css",
    ),
    ([GRAPH, "  key: {B1}+{T}/{B2}=="], "blob.yaml"),
    ([GRAPH, '  "access_token_blob": "{B1}/{T}+{B2}"'], "dump.json"),
    # Digests: subresource integrity, a hash named like a token.
    ([GRAPH, '<script src="sdk.js" integrity="sha512-{T}"></script>'], "index.html"),
]


@pytest.mark.parametrize(("lines", "path"), MISSES, ids=lambda v: v if isinstance(v, str) else None)
def test_not_reported_outside_a_credential_context(lines: list[str], path: str) -> None:
    value = token()
    filled = [
        line.replace("{B1}", _b64(1, 40)).replace("{B2}", _b64(2, 40)).replace("{T}", value)
        for line in lines
    ]
    filled = [line.replace("{{", "{").replace("}}", "}") for line in filled]
    index = next(i for i, line in enumerate(filled) if value in line)
    assert scan(filled[index], path, filled) == []


def _hex_upper(seed: int) -> str:
    return fakes.hex_string(125, seed=seed).upper()


# Credential contexts, but the run is not a random token: fillers, words, digests, Square.
NOT_TOKENS: list[tuple[str, str, str]] = [
    ("token_sha512: {T}", "hashes.yml", "EAA" + _hex_upper(902)),
    ("Authorization: Bearer {T}", "api.http", "EAA" + _hex_upper(903)),
    ("Authorization: Bearer {T}", "api.http", "EAA" + "x" * 120),
    ("  access_token: {T}", "config.yaml", "EAAGFAKE" + "FAKE" * 30),
    ('ACCESS_TOKEN = "{T}"', "app.py", "EAA" + "yourwhatsappaccesstokenhere" * 4),
    ('ACCESS_TOKEN = "{T}"', "app.py", "EAA" + "Ab1" * 40),
    ("Authorization: Bearer {T}", "square.http", "EAAA" + fakes.alnum(100, seed=904)),
    ('SQUARE_ACCESS_TOKEN = "{T}"', "app.py", "EAAA" + fakes.alnum(120, seed=905)),
    (
        "curl -H 'Authorization: Bearer {T}' https://graph.facebook.com/me",
        "a.sh",
        "EAA" + fakes.alnum(60, seed=906),
    ),
]


@pytest.mark.parametrize(("template", "path", "value"), NOT_TOKENS)
def test_non_random_runs_are_not_reported_even_in_context(
    template: str, path: str, value: str
) -> None:
    assert meta_app_id(value) is None
    line = template.format(T=value)
    assert scan(line, path) == []


def test_one_finding_per_token_the_literal_rule_leaves_it_to_meta() -> None:
    # WHATSAPP_TOKEN is also a whatsapp-credential-literal name: one secret, one rule.
    value = token()
    line, start, end = place('WHATSAPP_TOKEN = "{T}"', value)
    assert scan(line, "config.py") == [("meta-access-token", start, end)]
    line, start, end = place("D360_API_KEY={T}", value)
    assert scan(line, ".env") == [("meta-access-token", start, end)]


def test_detect_secrets_plugin_reports_it_too() -> None:
    import wabaguard.detect_secrets_plugins as plugins

    value = token()
    plugin = plugins.MetaAccessTokenDetector()
    found = plugin.analyze_line(filename="config.yaml", line=f"    access_token: {value}")
    assert [s.secret_value for s in found] == [value]
    assert plugin.analyze_line(filename="a.py", line=f'value = "{value}"') == set()


def _scan_json(run_cli: Any, root: Path, name: str, text: str) -> list[dict[str, Any]]:
    (root / name).write_text(text)
    result = run_cli("scan", "--format", "json", name, cwd=root)
    findings: list[dict[str, Any]] = result.json()["findings"]
    return findings


def test_reported_by_the_cli_in_nested_yaml(run_cli: Any, tmp_path: Path) -> None:
    value = token()
    text = f"whatsapp:\n  cloud_api:\n    access_token: {value}\n"
    [finding] = _scan_json(run_cli, tmp_path, "config.yaml", text)
    assert finding["rule"] == "meta-access-token"
    assert (finding["line"], finding["column"]) == (3, 19)
    assert finding["end_column"] - finding["column"] == len(value)
    assert value not in json.dumps(finding)


def test_the_cli_reports_it_at_medium_confidence(run_cli: Any, tmp_path: Path) -> None:
    value = token()
    [finding] = _scan_json(run_cli, tmp_path, "app.py", f'ACCESS_TOKEN = "{value}"\n')
    assert finding["confidence"] == "medium"


def test_the_cli_keeps_high_confidence_for_a_structured_token(run_cli: Any, tmp_path: Path) -> None:
    value = fakes.meta_token(seed=907)
    [finding] = _scan_json(run_cli, tmp_path, "app.py", f'ACCESS_TOKEN = "{value}"\n')
    assert finding["confidence"] == "high"
