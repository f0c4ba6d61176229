"""Credentials in the shapes public WhatsApp integrations write them: verify tokens compared
with ``hub.verify_token`` under any variable name, form-encoded bodies, more providers."""

from __future__ import annotations

import pytest
from detector_helpers import scan

import fakes

VERIFY = "whatsapp-verify-token"
WORDY = "bluebird" + "42"  # people choose verify tokens like passwords


COMPARED = [
    (
        "python",
        "app.py",
        ['token = request.args.get("hub.verify_token")', f'if token == "{WORDY}":'],
    ),
    (
        "javascript",
        "index.js",
        [
            "const token = req.query['hub.verify_token'];",
            f"if (mode === 'subscribe' && token === '{WORDY}') {{",
        ],
    ),
    (
        "java",
        "Hook.java",
        [
            'String token = request.getParameter("hub.verify_token");',
            f'if ("{WORDY}".equals(token)) {{',
        ],
    ),
    ("php", "hook.php", ['$token = $_GET["hub_verify_token"];', f'if ($token === "{WORDY}") {{']),
    ("go", "main.go", ['token := q.Get("hub.verify_token")', f'if token != "{WORDY}" {{']),
]


@pytest.mark.parametrize(("path", "lines"), [c[1:] for c in COMPARED], ids=[c[0] for c in COMPARED])
def test_a_literal_compared_with_the_hub_verify_token_is_the_verify_token(
    path: str, lines: list[str]
) -> None:
    line = lines[-1]
    start = line.index(WORDY)
    assert (VERIFY, start, start + len(WORDY)) in scan(line, path, lines)


@pytest.mark.parametrize(
    "lines",
    [
        # The other comparison on the line: the mode, not the token.
        ['token = request.args.get("hub.verify_token")', 'if mode == "subscribe":'],
        # Compared with the environment: the right way.
        ['token = request.args.get("hub.verify_token")', 'if token == os.environ["VT"]:'],
        # No hub.verify_token above: any comparison.
        ["token = load()", f'if token == "{WORDY}":'],
        # A placeholder.
        ['token = request.args.get("hub.verify_token")', 'if token == "<your verify token>":'],
    ],
    ids=["mode", "environment", "no-hub", "placeholder"],
)
def test_comparisons_that_are_not_a_verify_token(lines: list[str]) -> None:
    assert [h for h in scan(lines[-1], "app.py", lines) if h[0] == VERIFY] == []


@pytest.mark.parametrize(
    ("line", "path", "found"),
    [
        ("VERIFY_TOKEN=" + "webhook" + "pass", "README.md", True),  # after "=": a value, words or not
        ("WHATSAPP_VERIFY_TOKEN=" + "sunny" + "day", ".env", True),  # .env: unquoted is a value
        ("VERIFY_TOKEN = " + chr(34) + "mango7" + chr(34), "app.py", True),
        ("verify_token: required", "README.md", False),  # schema prose
        ("verify_token: string", "docs/api.md", False),
    ],
)
def test_explicit_verify_token_names_keep_short_and_wordy_values(
    line: str, path: str, found: bool
) -> None:
    assert bool([h for h in scan(line, path) if h[0] == VERIFY]) is found


def test_a_token_in_a_form_encoded_body_string_is_found() -> None:
    token = fakes.alnum(19, seed=31) + "8"
    lines = [
        'url = "https://api.ultramsg.com/instance12345/messages/chat"',
        f'payload = "token={token}&to=%2B6281234567&body=hello"',
    ]
    hits = scan(lines[1], "send.py", lines)
    start = lines[1].index(token)
    assert ("bsp-api-key", start, start + len(token)) in hits


def test_a_variable_in_a_form_body_is_not_a_literal() -> None:
    lines = [
        'url = "https://api.ultramsg.com/instance1/messages/chat"',
        'payload = f"token={t}&to=1"',
    ]
    assert [h for h in scan(lines[1], "send.py", lines) if h[0] == "bsp-api-key"] == []


@pytest.mark.parametrize(
    "lines",
    [
        [
            'headers = {"Authorization": "{T}"}  # fonnte',
            'requests.post("https://api.fonnte.com/send")',
        ],
        ["FONNTE_TOKEN={T}"],
    ],
    ids=["authorization-header", "env-name"],
)
def test_fonnte_tokens(lines: list[str]) -> None:
    token = fakes.alnum(19, seed=32) + "4"
    lines = [line.replace("{T}", token) for line in lines]
    hits = scan(lines[0], "wa.py" if "headers" in lines[0] else ".env", lines)
    start = lines[0].index(token)
    assert ("bsp-api-key", start, start + len(token)) in hits
