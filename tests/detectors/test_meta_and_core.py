# ruff: noqa: E501  (one case per line reads better than wrapped tuples)
"""Table tests: Meta, Infobip, Green-API, 360dialog, verify-token and literal rules.

Every fake is built at run time (``fakes``); the templates carry ``{T}`` where it goes and
the expected span is where ``{T}`` was, so offsets are checked exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from detector_helpers import place, scan

import fakes
from wabaguard.credentials.detectors._formats import meta_app_id

Factory = Callable[[], str]


def meta() -> str:
    return fakes.meta_token(seed=1)


def meta_big_app() -> str:
    return fakes.meta_token(app_id=4_000_000_000_000_000, seed=2)


def meta_min_body() -> str:
    # 80 alphanumerics after "EAA" is the shortest accepted token.
    token = fakes.meta_token(seed=3, body_len=60)
    return token[:83]


def hex32() -> str:
    return fakes.hex_string(32, seed=4)


def alnum32() -> str:
    return fakes.alnum(32, seed=5)


def infobip() -> str:
    return fakes.infobip_key(seed=6)


def green() -> str:
    return fakes.green_api_token(seed=7)


def verify() -> str:
    return "wh-" + fakes.alnum(16, seed=8)


POSITIVES: list[tuple[str, str, str, Factory]] = [
    # --- meta-access-token: every file type, URL, header, notebook JSON ---
    ("meta-access-token", 'TOKEN = "{T}"', "app.py", meta),
    ("meta-access-token", "WHATSAPP_TOKEN={T}", ".env", meta),
    ("meta-access-token", "export META_ACCESS_TOKEN='{T}'", "deploy.sh", meta),
    ("meta-access-token", "  token: {T}", "config.yaml", meta),
    ("meta-access-token", '  "access_token": "{T}",', "config.json", meta),
    ("meta-access-token", '    "TOKEN = \\"{T}\\"\\n",', "notebook.ipynb", meta),
    ("meta-access-token", "const token = `{T}`;", "index.ts", meta),
    ("meta-access-token", 'req.Header.Set("Authorization", "Bearer {T}")', "main.go", meta),
    ("meta-access-token", 'String token = "{T}";', "Client.java", meta),
    ("meta-access-token", "$token = '{T}';", "send.php", meta),
    ("meta-access-token", "TOKEN = '{T}'.freeze", "client.rb", meta),
    ("meta-access-token", "ENV WHATSAPP_TOKEN={T}", "Dockerfile", meta),
    ("meta-access-token", "curl -H 'Authorization: Bearer {T}' https://graph.facebook.com", "README.md", meta),
    ("meta-access-token", "https://graph.facebook.com/v19.0/me?access_token={T}&fields=id", "notes.txt", meta),
    ("meta-access-token", "phone_number_id=106540352242922 token={T}", ".env", meta),
    ("meta-access-token", 'TOKEN = "{T}"', "app.py", meta_big_app),
    ("meta-access-token", 'TOKEN = "{T}"', "app.py", meta_min_body),
    # --- meta-app-access-token ---
    ("meta-app-access-token", 'APP_TOKEN = "{T}"', "app.py", fakes.meta_app_token),
    ("meta-app-access-token", "access_token={T}", "a.sh", lambda: fakes.meta_app_token(app_id=9_876_543_210_987_654)),
    ("meta-app-access-token", "https://graph.facebook.com/debug_token?access_token={T}", "x.md",
     lambda: fakes.meta_app_token().replace("|", "%7C")),
    ("meta-app-access-token", "fb_app_token: {T}", "settings.yml",
     lambda: f"{fakes.FAKE_APP_ID}|{fakes.alnum(20, seed=9)}-{fakes.alnum(7, seed=10)}"),
    # --- meta-app-secret ---
    ("meta-app-secret", 'META_APP_SECRET = "{T}"', "settings.py", hex32),
    ("meta-app-secret", "WHATSAPP_APP_SECRET={T}", ".env", hex32),
    ("meta-app-secret", "FB_APP_SECRET: '{T}'", "app.yaml", hex32),
    ("meta-app-secret", '  appSecret: "{T}",', "whatsapp.config.js", hex32),
    ("meta-app-secret", '"facebook_app_secret": "{T}"', "secrets.json", hex32),
    ("meta-app-secret", "define('FACEBOOK_SECRET', '{T}');", "config.php", hex32),
    ("meta-app-secret", 'WhatsApp(app_secret="{T}", phone_number_id=PHONE_ID)', "bot.py", hex32),
    # --- whatsapp-verify-token ---
    ("whatsapp-verify-token", 'VERIFY_TOKEN = "{T}"', "webhook.py", verify),
    ("whatsapp-verify-token", "WHATSAPP_VERIFY_TOKEN={T}", ".env", verify),
    ("whatsapp-verify-token", 'if (req.query["hub.verify_token"] === "{T}") {', "server.js", verify),
    ("whatsapp-verify-token", 'if request.args.get("hub.verify_token") == "{T}":', "app.py", verify),
    ("whatsapp-verify-token", 'const verifyToken = process.env.VERIFY_TOKEN || "{T}";', "app.ts", verify),
    ("whatsapp-verify-token", 'VERIFY_TOKEN = os.getenv("VERIFY_TOKEN", "{T}")', "app.py", verify),
    ("whatsapp-verify-token", "  webhook_verify_token: {T}", "values.yaml", verify),
    ("whatsapp-verify-token", '    "VERIFY_TOKEN = os.getenv(\\"VERIFY_TOKEN\\", \\"{T}\\")\\n",', "nb.ipynb", verify),
    # --- infobip-api-key ---
    ("infobip-api-key", 'headers = {{"Authorization": "App {T}"}}', "send.py", infobip),
    ("infobip-api-key", "INFOBIP_API_KEY={T}", ".env", infobip),
    ("infobip-api-key", "curl -H 'Authorization: App {T}' https://x.api.infobip.com", "s.sh", infobip),
    ("infobip-api-key", '  apiKey: "{T}"', "config.yaml", infobip),
    # --- green-api-token ---
    ("green-api-token", "https://api.green-api.com/waInstance1101000001/sendMessage/{T}", "a.md", green),
    ("green-api-token", 'apiTokenInstance = "{T}"', "bot.py", green),
    ("green-api-token", "API_TOKEN_INSTANCE={T}", ".env", green),
    ("green-api-token", 'greenAPI = API.GreenAPI("1101000001", "{T}")', "bot.py", green),
    # --- dialog360-api-key ---
    ("dialog360-api-key", 'headers = {{"D360-API-KEY": "{T}"}}', "send.py", alnum32),
    ("dialog360-api-key", "D360_API_KEY={T}", ".env", alnum32),
    ("dialog360-api-key", "curl -H \"D360-API-KEY: {T}\" https://waba-v2.360dialog.io", "s.sh", alnum32),
    ("dialog360-api-key", 'req.Header.Set("d360-api-key", "{T}")', "main.go", alnum32),
    ("dialog360-api-key", "  dialog360_api_key: {T}", "values.yml", alnum32),
    ("dialog360-api-key", "'D360-API-KEY' => '{T}',", "Client.php", alnum32),
    # --- whatsapp-credential-literal ---
    ("whatsapp-credential-literal", 'WHATSAPP_API_KEY = "{T}"', "config.py", alnum32),
    ("whatsapp-credential-literal", 'const CHAT_API_KEY = "{T}";', "bot.js", alnum32),
    ("whatsapp-credential-literal", "WA_TOKEN={T}", ".env", alnum32),
    ("whatsapp-credential-literal", 'const waToken: string = "{T}";', "client.ts", alnum32),
    ("whatsapp-credential-literal", 'whatsappToken := "{T}"', "main.go", alnum32),
    ("whatsapp-credential-literal", 'private static final String WHATSAPP_TOKEN = "{T}";', "A.java", alnum32),
    ("whatsapp-credential-literal", "WHATSAPP_TOKEN = ENV.fetch('WHATSAPP_TOKEN') || '{T}'", "a.rb", alnum32),
    ("whatsapp-credential-literal", 'const t = process.env.WHATSAPP_TOKEN ?? "{T}";', "a.js", alnum32),
    ("whatsapp-credential-literal", "      - WHATSAPP_API_TOKEN={T}", "docker-compose.yml", alnum32),
    ("whatsapp-credential-literal", "ENV WHATSAPP_API_TOKEN {T}", "Dockerfile", alnum32),
    ("whatsapp-credential-literal", '    "WHATSAPP_TOKEN = \\"{T}\\"\\n",', "nb.ipynb", alnum32),
    ("whatsapp-credential-literal", "$whatsappApiKey = '{T}';", "send.php", alnum32),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "template", "path", "factory"), POSITIVES)
def test_positive(rule: str, template: str, path: str, factory: Factory) -> None:
    line, start, end = place(template, factory())
    assert scan(line, path) == [(rule, start, end)]


NEGATIVES: list[tuple[str, str, Factory]] = [
    # Placeholders and structurally invalid EAA strings.
    ('TOKEN = "{T}"', "app.py", lambda: fakes.placeholder_meta_token("x")),
    ('TOKEN = "{T}"', "app.py", lambda: fakes.placeholder_meta_token("GFAKE")),
    ('TOKEN = "{T}"', "app.py", lambda: "EAABwSIYN33kB" + "FAKE" * 30),
    ("WHATSAPP_TOKEN={T}", ".env", lambda: "EAAG..."),
    ("WHATSAPP_TOKEN={T}", ".env", lambda: fakes.meta_token(seed=1)[:40] + "..."),
    ('token = "{T}"', "app.py", lambda: fakes.meta_token(seed=1)[:70]),  # too short
    # Square tokens (EAAA) and lowercase eaa hex (yarn checksums, uuids).
    ('SQUARE_ACCESS_TOKEN = "{T}"', "app.py", fakes.square_token),
    ('SQUARE_TOKEN = "{T}"', "app.py", lambda: "EAAA" + fakes.alnum(100, seed=11)),
    ("  checksum: {T}", "yarn.lock", lambda: "eaac" + fakes.hex_string(124, seed=12)),
    ("Authorization: Bearer {T}", "x.http", lambda: "eaadb706" + fakes.uuid4(seed=13)[8:]),
    # Tokens glued into longer alphanumeric runs are not tokens.
    ("blob={T}", ".env", lambda: "x" + fakes.meta_token(seed=1)),
    # Environment lookups are the right pattern.
    ("WHATSAPP_TOKEN = os.environ['WHATSAPP_TOKEN']", "app.py", str),
    ('const token = process.env.WHATSAPP_TOKEN;', "a.js", str),
    ("WHATSAPP_TOKEN=${{WHATSAPP_TOKEN}}", ".env", str),
    ("  WHATSAPP_TOKEN: ${{{{ secrets.WHATSAPP_TOKEN }}}}", "ci.yml", str),
    ("  WHATSAPP_TOKEN: {{{{ secrets.WHATSAPP_TOKEN }}}}", "ci.yml", str),
    ('curl -H "D360-API-KEY: $D360_API_KEY" https://waba-v2.360dialog.io', "s.sh", str),
    ('headers = {{"D360-API-KEY": os.environ["D360_API_KEY"]}}', "a.py", str),
    ('headers = {{"D360-API-KEY": d360_key}}', "a.py", str),
    ('WHATSAPP_TOKEN = os.getenv("WHATSAPP_TOKEN")', "a.py", str),
    ('VERIFY_TOKEN = os.getenv("VERIFY_TOKEN", default=None)', "a.py", str),
    ("WHATSAPP_TOKEN: process.env.WHATSAPP_TOKEN,", "a.js", str),
    ('whatsappToken := os.Getenv("WHATSAPP_TOKEN")', "main.go", str),
    ("$token = getenv('WHATSAPP_TOKEN');", "a.php", str),
    ("WHATSAPP_TOKEN: settings.whatsapp.token", "a.md", str),
    ('token = f"Bearer {{WHATSAPP_TOKEN}}"', "a.py", str),
    # Placeholders in context-gated rules.
    ("WHATSAPP_TOKEN=your_whatsapp_token_here", ".env", str),
    ('WHATSAPP_API_KEY = "<your-api-key>"', "a.py", str),
    ("D360_API_KEY=xxxxxxxxxxxxxxxxxxxx", ".env", str),
    ('headers = {{"D360-API-KEY": "{{{{your-api-key}}}}"}}', "a.py", str),
    ("VERIFY_TOKEN=changeme", ".env", str),
    ("META_APP_SECRET={T}", ".env", lambda: "0" * 32),
    ('WHATSAPP_TOKEN = "..."', "a.py", str),
    ("D360_API_KEY={T}", ".env", lambda: "abc_" + fakes.alnum(12, seed=14) + "_sandbox"),
    ('WHATSAPP_TOKEN = "WHATSAPP_TOKEN"', "a.py", str),
    # Identifiers, hashes and uuids are not credentials.
    ("WHATSAPP_PHONE_NUMBER_ID=106540352242922", ".env", str),
    ('WABA_ID = "102290129340398"', "a.py", str),
    ('  "phone_number_id": "106540352242922",', "hook.json", str),
    ("WHATSAPP_APP_ID={T}", ".env", lambda: str(fakes.FAKE_APP_ID)),
    ('md5 = "{T}"', "a.py", hex32),
    ("sha = {T}", "a.txt", lambda: fakes.hex_string(40, seed=15)),
    ("digest: {T}", "a.yml", lambda: fakes.hex_string(64, seed=16)),
    ('request_id = "{T}"', "a.py", fakes.uuid4),
    ("Authorization: App {T}", "x.http", fakes.uuid4),  # a bare UUID is not an Infobip key
    # Generic or non-Meta secrets stay with other tools.
    ("APP_SECRET={T}", ".env", hex32),  # Symfony's APP_SECRET: no Meta context
    ('client_secret = "{T}"', "oauth.py", hex32),
    ("STRIPE_SECRET={T}", ".env", hex32),
    ('META_APP_SECRET = "{T}"', "a.py", lambda: fakes.hex_string(31, seed=17)),
    # 50 hex without Green-API context; Green-API word but 40 hex.
    ("digest={T}", ".env", green),
    ("waInstance1101000001/sendMessage/{T}", "a.md", lambda: fakes.hex_string(40, seed=18)),
    # App-id-shaped pipes without a secret or context.
    ("| {T} | yes |", "table.md", lambda: f"{fakes.FAKE_APP_ID}"),
    ("ids={T}", "a.txt", lambda: f"{fakes.FAKE_APP_ID}|{fakes.alnum(30, seed=19)}"),
    ("x={T}", "a.txt", lambda: f"{12345678901234}|{hex32()}"),  # 14-digit id
    # Lookup keys named like credentials.
    ('WA_TEMPLATE_KEY = "order_confirmation_v3"', "a.py", str),
    ('WHATSAPP_CACHE_KEY = "whatsapp:session:v2"', "a.py", str),
    ('const WA_KEY = "whatsapp-business-api-v2";', "a.js", str),
    ("D360_API_KEY=partner-hub-2024", ".env", str),  # pragma: allowlist secret
    # Prose.
    ("Set the WhatsApp token: you can find it in the dashboard.", "README.md", str),
    ("The D360-API-KEY header carries the key.", "README.md", str),
    ('print("WHATSAPP_TOKEN", "is not set")', "a.py", str),
    ('missing = ["WHATSAPP_TOKEN", "META_APP_SECRET"]', "a.py", str),
    ("verify_token: str", "a.py", str),
    ("  verify_token: required", "schema.yml", str),
]  # fmt: skip


@pytest.mark.parametrize(("template", "path", "factory"), NEGATIVES)
def test_negative(template: str, path: str, factory: Factory) -> None:
    line = template.format(T=factory()) if "{T}" in template else template.format()
    assert scan(line, path) == []


def test_meta_token_detail_names_decoded_app_id() -> None:
    token = fakes.meta_token(app_id=987654321098765, seed=20)
    line = f'TOKEN = "{token}"'
    from wabaguard.credentials.detectors.base import LineContext
    from wabaguard.credentials.detectors.meta import MetaAccessTokenDetector

    (match,) = MetaAccessTokenDetector().scan_line(line, LineContext([line], 0, "a.py"))
    assert match.detail == "for Meta app 987654321098765"
    assert token not in match.detail


@pytest.mark.parametrize("app_id", [10**14, 123456789012345, 2**52 - 1, 999999999999999])
def test_meta_app_id_roundtrip(app_id: int) -> None:
    assert meta_app_id(fakes.meta_token(app_id=app_id, seed=app_id % 97)) == app_id


# 17 digits and more are out of range (2**52 up to 16 digits is in: EAB…, EAC… heads).
@pytest.mark.parametrize("app_id", [10**14 - 1, 10**16, 2**54, 42])
def test_meta_app_id_out_of_range(app_id: int) -> None:
    assert meta_app_id(fakes.meta_token(app_id=app_id, seed=3)) is None


def test_z_escape_is_undone_before_slicing() -> None:
    # Find a seed whose first 12 base64 characters contain an escaped pair.
    for seed in range(2000):
        token = fakes.meta_token(seed=seed)
        if "Z" in token[1:14]:
            assert meta_app_id(token) == fakes.FAKE_APP_ID
            return
    pytest.fail("no seed produced an escape in the prefix")


def test_two_tokens_on_one_line_both_reported() -> None:
    first, second = fakes.meta_token(seed=30), fakes.meta_token(seed=31)
    line = f"a={first} b={second}"
    assert scan(line, ".env") == [
        ("meta-access-token", 2, 2 + len(first)),
        ("meta-access-token", len(first) + 5, len(first) + 5 + len(second)),
    ]


def test_bare_app_secret_with_meta_context_nearby() -> None:
    secret = hex32()
    lines = ["# WhatsApp Cloud API", "GRAPH_URL=https://graph.facebook.com", f"APP_SECRET={secret}"]
    assert scan(lines[2], ".env", lines) == [("meta-app-secret", 11, 11 + len(secret))]


def test_green_api_context_from_nearby_line() -> None:
    token = green()
    lines = ["GREEN_API_URL=https://api.green-api.com", "ID_INSTANCE=1101000001", f"TOKEN={token}"]
    assert scan(lines[2], ".env", lines) == [("green-api-token", 6, 6 + len(token))]
