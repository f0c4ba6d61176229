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
        (
            "VERIFY_TOKEN=" + "webhook" + "pass",
            "README.md",
            True,
        ),  # after "=": a value, words or not
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


def _gupshup_key(seed: int) -> str:
    """Gupshup's shape in public code: 32 lower-case letters and digits."""
    import random
    import string

    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(32))


@pytest.mark.parametrize(
    ("lines", "path"),
    [
        (
            [
                'requests.post("https://api.gupshup.io/wa/api/v1/msg",',
                "    headers={'apikey': '{T}'})",
            ],
            "send.py",
        ),
        (
            [
                "axios.post('https://api.gupshup.io/sm/api/v1/msg', payload, {",
                "  headers: { apikey: '{T}' }",
            ],
            "bot.js",
        ),
        (["GUPSHUP_API_KEY={T}"], ".env"),
    ],
    ids=["python-header", "js-header", "dotenv"],
)
def test_gupshup_keys_without_a_prefix(lines: list[str], path: str) -> None:
    key = _gupshup_key(33)
    lines = [line.replace("{T}", key) for line in lines]
    hits = scan(lines[-1], path, lines)
    start = lines[-1].index(key)
    assert ("gupshup-api-key", start, start + len(key)) in hits


@pytest.mark.parametrize(
    "lines",
    [
        # An api key of some other service: no Gupshup anywhere.
        ["headers = {'apikey': '{T}'}"],
        # A hex digest beside Gupshup, not under an api-key name.
        ["# gupshup", "checksum = '{T}'"],
    ],
    ids=["no-gupshup", "not-an-api-key-name"],
)
def test_gupshup_near_misses(lines: list[str]) -> None:
    lines = [line.replace("{T}", _gupshup_key(34)) for line in lines]
    assert [h for h in scan(lines[-1], "a.py", lines) if h[0] == "gupshup-api-key"] == []


@pytest.mark.parametrize(
    ("line", "path", "found"),
    [
        ("Your WATI API key: `{T}`", "README.md", True),
        ("- UltraMsg token: {T}", "README.md", True),
        ("Wassenger API secret = {T}", "notes.txt", True),
        ("The WATI API key is read from the environment.", "README.md", False),
        ("WATI API key: see your dashboard", "README.md", False),
        ("API key: `{T}`", "README.md", False),  # no provider named on the line
        ("# Your WATI API key: `{T}`", "app.py", False),  # prose names are for prose files
    ],
)
def test_a_key_in_markdown_prose_beside_its_provider(line: str, path: str, found: bool) -> None:
    token = fakes.alnum(19, seed=35) + "3"
    line = line.replace("{T}", token)
    hits = [h for h in scan(line, path) if h[0] == "bsp-api-key"]
    assert bool(hits) is found
    if found:
        start = line.index(token)
        assert hits == [("bsp-api-key", start, start + len(token))]


@pytest.mark.parametrize(
    ("line", "path", "found"),
    [
        ('client := ultramsg.NewClient("instance12345", "{T}")', "main.go", True),
        (
            'WatiClient c = new WatiClient("https://live-mt-server.wati.io/1234", "{T}");',
            "App.java",
            True,
        ),
        ('api = Wassenger.create("{T}")', "a.py", True),
        (
            'client := ultramsg.NewClient("instance12345", os.Getenv("ULTRAMSG_TOKEN"))',
            "main.go",
            False,
        ),
        ('client := ultramsg.NewClient("instance12345", token)', "main.go", False),
        ('log.Info(wati.Format("%s sent to %s"))', "main.go", False),
        ('client := other.NewClient("{T}")', "main.go", False),  # not a provider's client
    ],
)
def test_a_key_passed_to_a_providers_client(line: str, path: str, found: bool) -> None:
    token = fakes.alnum(19, seed=36) + "3"
    line = line.replace("{T}", token)
    hits = [h for h in scan(line, path) if h[0] == "bsp-api-key"]
    if found:
        start = line.index(token)
        assert hits == [("bsp-api-key", start, start + len(token))]
    else:
        assert hits == []
