# ruff: noqa: E501  (one case per line reads better than wrapped tuples)
"""Table tests: MessageBird, Gupshup, Kaleyra, Chat API and the BSP keyword/URL rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from detector_helpers import place, scan

import fakes

Factory = Callable[[], str]


def key() -> str:
    return fakes.alnum(30, seed=60) + "4"


def bird() -> str:
    return fakes.messagebird_key(seed=61)


def bird_bare() -> str:
    return fakes.messagebird_key(live=False, seed=62)


def gupshup() -> str:
    return fakes.gupshup_key(seed=63)


def kaleyra() -> str:
    return fakes.kaleyra_key(seed=64)


def chat_api() -> str:
    return fakes.chat_api_token(seed=65)


def uuid() -> str:
    return fakes.uuid4(seed=66)


def vonage_key() -> str:
    return fakes.hex_string(8, seed=67)


POSITIVES: list[tuple[str, str, str, Factory]] = [
    # --- messagebird-access-key ---
    ("messagebird-access-key", "Authorization: AccessKey {T}", "api.http", bird),
    ("messagebird-access-key", 'headers = {{"Authorization": "AccessKey {T}"}}', "send.py", bird_bare),
    ("messagebird-access-key", "MESSAGEBIRD_API_KEY={T}", ".env", bird),
    ("messagebird-access-key", "const messagebird = require('messagebird')('{T}');", "index.js", bird),
    ("messagebird-access-key", "  message_bird_access_key: {T}", "config.yaml", bird_bare),
    # --- gupshup-api-key ---
    ("gupshup-api-key", "headers = {{'apikey': '{T}'}}", "send.py", gupshup),
    ("gupshup-api-key", "GUPSHUP_API_KEY={T}", ".env", gupshup),
    ("gupshup-api-key", 'curl -H "apikey: {T}" https://api.gupshup.io/wa/api/v1/msg', "send.sh", gupshup),
    # --- kaleyra-api-key ---
    ("kaleyra-api-key", "KALEYRA_API_KEY={T}", ".env", kaleyra),
    ("kaleyra-api-key", 'headers = {{"api-key": "{T}"}}', "sms.py", kaleyra),
    ("kaleyra-api-key", "  api_key: '{T}'", "kaleyra.yml", kaleyra),
    # --- chat-api-token ---
    ("chat-api-token", 'url = "https://api.chat-api.com/instance123456/sendMessage?token={T}"', "bot.py", chat_api),
    ("chat-api-token", "curl 'https://eu12.chat-api.com/instance987/status?full=1&token={T}'", "s.sh", chat_api),
    ("chat-api-token", "- https://api.chat-api.com/instance1/messages?token={T}#x", "notes.md", chat_api),
    # --- bsp-api-key: provider-named credentials ---
    ("bsp-api-key", "WATI_API_TOKEN={T}", ".env", key),
    ("bsp-api-key", "ULTRAMSG_TOKEN: '{T}'", "config.yml", key),
    ("bsp-api-key", 'WASSENGER_API_KEY = "{T}"', "settings.py", key),
    ("bsp-api-key", 'headers = {{"x-maytapi-key": "{T}"}}', "send.py", uuid),
    ("bsp-api-key", "MAYTAPI_API_TOKEN={T}", ".env", uuid),
    ("bsp-api-key", "const WHAPI_TOKEN = '{T}';", "bot.js", key),
    ("bsp-api-key", "GALLABOX_API_SECRET={T}", ".env", key),
    ("bsp-api-key", "INTERAKT_API_KEY={T}", ".env", key),
    ("bsp-api-key", "'x-aisensy-api-key': '{T}',", "client.ts", key),
    ("bsp-api-key", "VONAGE_API_SECRET={T}", ".env", key),
    ("bsp-api-key", "NEXMO_API_KEY={T}", ".env", vonage_key),
    ("bsp-api-key", 'sinchKeySecret := "{T}"', "main.go", key),
    ("bsp-api-key", "TYNTEC_API_KEY={T}", ".env", key),
    ("bsp-api-key", "export YCLOUD_API_KEY={T}", "deploy.sh", key),
    # --- bsp-api-key: generic names tied to a provider host/name ---
    ("bsp-api-key", 'requests.post("https://api.ultramsg.com/instance1150/messages/chat?token={T}&to=1")', "send.py", key),
    ("bsp-api-key", "curl -H 'Authorization: Bearer {T}' https://gate.whapi.cloud/messages/text", "s.sh", key),
    ("bsp-api-key", 'client = vonage.Client(key="abc", secret="x", api_secret="{T}")', "sms.py", key),
    ("bsp-api-key", "  -H 'X-API-Key: {T}' https://api.ycloud.com/v2/balance", "README.md", key),
    ("bsp-api-key", "Authorization: Basic {T}  # api.interakt.ai", "api.http", key),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "template", "path", "factory"), POSITIVES)
def test_positive(rule: str, template: str, path: str, factory: Factory) -> None:
    line, start, end = place(template, factory())
    assert scan(line, path) == [(rule, start, end)]


NEGATIVES: list[tuple[str, str, Factory]] = [
    # MessageBird: no context, placeholders, words, pieces of longer secrets.
    ("key = '{T}'", "a.py", bird),
    ("value: {T}", "a.yml", bird),
    ("MESSAGEBIRD_API_KEY=live_xxxxxxxxxxxxxxxxxxxxxxxxx", ".env", str),
    ("MESSAGEBIRD_API_KEY=<YOUR_ACCESS_KEY>", ".env", str),
    ("Authorization: AccessKey process.env.MESSAGEBIRD_KEY", "a.js", str),
    ("AWS_SECRET_ACCESS_KEY={T}", ".env", lambda: fakes.alnum(7, seed=68) + "/" + fakes.alnum(25, seed=69) + "+" + fakes.alnum(6, seed=70)),
    ("message bird accesskey documentation pagesxyzw", "README.md", str),
    # Gupshup / Kaleyra: right shape, no context; Stripe keys.
    ("token = '{T}'", "a.py", gupshup),
    ("STRIPE_KEY={T}", ".env", lambda: "sk_test_" + fakes.alnum(24, seed=71)),
    ("hash = '{T}'", "a.py", kaleyra),
    ("KALEYRA_API_KEY={T}", ".env", lambda: "A" + "0" * 32),
    # Chat API: templated or placeholder tokens, other hosts.
    ('url = f"https://api.chat-api.com/instance{{ID}}/sendMessage?token={{TOKEN}}"', "a.py", str),
    ("https://api.chat-api.com/instance123/sendMessage?token=SEU_TOKEN", "a.md", str),
    ("https://api.chat-api.com/instance123/sendMessage?token=xxxxxxxxxxxxxxxx", "a.md", str),
    ("https://example.com/instance123/sendMessage?token={T}", "a.md", chat_api),
    # BSP: env lookups, placeholders, ids/urls, generic names without a provider.
    ("WATI_API_TOKEN=${{WATI_API_TOKEN}}", ".env", str),
    ("WATI_API_TOKEN=your_wati_token", ".env", str),
    ("WATI_API_ENDPOINT=https://live-mt-server.wati.io/12345", ".env", str),
    ("MAYTAPI_PRODUCT_ID={T}", ".env", uuid),
    ("MAYTAPI_API_TOKEN={T}", ".env", key),  # Maytapi keys are UUIDs
    ("SINCH_SERVICE_PLAN_ID={T}", ".env", key),
    ('headers = {{"x-maytapi-key": os.environ["MAYTAPI_KEY"]}}', "a.py", str),
    ('token = "{T}"', "a.py", key),
    ("Authorization: Bearer {T}", "api.http", key),
    ('const wati = {{ token: process.env.WATI_TOKEN }};', "a.js", str),
    ("VONAGE_API_KEY=abc", ".env", str),
]  # fmt: skip


@pytest.mark.parametrize(("template", "path", "factory"), NEGATIVES)
def test_negative(template: str, path: str, factory: Factory) -> None:
    line = template.format(T=factory()) if "{T}" in template else template.format()
    assert scan(line, path) == []


def test_generic_token_tied_to_provider_on_a_nearby_line() -> None:
    value = key()
    lines = [
        'URL = "https://api.ultramsg.com/instance1150/messages/chat"',
        f'payload = {{"token": "{value}", "to": "+14155550100", "body": "hi"}}',
    ]
    start = lines[1].index(value)
    assert scan(lines[1], "send.py", lines) == [("bsp-api-key", start, start + len(value))]


def test_bsp_detail_names_the_provider_not_the_secret() -> None:
    from wabaguard.credentials.detectors.base import LineContext
    from wabaguard.credentials.detectors.bsp import BspApiKeyDetector

    value = key()
    line = f"WATI_API_TOKEN={value}"
    (match,) = BspApiKeyDetector().scan_line(line, LineContext([line], 0, ".env"))
    assert match.detail == "for WATI, assigned to WATI_API_TOKEN"
    assert value not in match.detail


def test_maytapi_uuid_is_recorded_without_dashes_for_detect_secrets() -> None:
    from wabaguard.credentials.detectors.base import LineContext
    from wabaguard.credentials.detectors.bsp import BspApiKeyDetector

    value = uuid()
    line = f'"x-maytapi-key": "{value}"'
    (match,) = BspApiKeyDetector().scan_line(line, LineContext([line], 0, "a.json"))
    assert match.secret == value
    assert match.baseline_secret == value.replace("-", "")
