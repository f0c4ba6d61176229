# ruff: noqa: E501  (one template per line reads better than wrapped tuples)
"""A labelled corpus of WhatsApp-integration files for measuring credential detection.

``generate(root, seed, files_per_type)`` writes realistic files of many types (``.env``,
Python, JS/TS, Go, Java, PHP, Ruby, shell, YAML, JSON, notebooks, Dockerfiles, Markdown) and
returns one ``Label`` per interesting line:

* ``positive`` — a hard-coded WhatsApp/Meta/BSP credential; ``rule`` is the wabaguard rule
  that owns it and ``secret`` its value;
* ``decoy`` — something a scanner may mistake for one: placeholders, environment lookups,
  WABA/phone-number/app ids, hashes and lockfile checksums, standalone UUIDs, commit SHAs,
  lower-case ``eaa…`` hex, truncated documentation tokens;
* ``neutral`` — a real credential of an unrelated service (Square, Twilio): reporting it is
  neither right nor wrong for this benchmark, so it counts for nobody.

Every other line is ordinary code. Every credential is generated at run time from
``tests/fakes.py`` with a seed, so the corpus is reproducible and nothing token-shaped is
committed.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import fakes  # noqa: E402  (tests/fakes.py: the run-time builders of fake credentials)


@dataclass(frozen=True)
class Label:
    path: str  # relative to the corpus root
    line: int  # 1-based
    kind: str  # "positive" | "decoy" | "neutral"
    category: str  # rule id for positives, a decoy/neutral category otherwise
    secret: str = ""
    hard: bool = False  # from HARD_* (written after the detectors, never tuned against)


Builder = Callable[[random.Random], str]


def _seed(rng: random.Random) -> int:
    return rng.randrange(10**9)


def _meta(rng: random.Random) -> str:
    app_id = rng.randrange(10**14, 2**52)
    return fakes.meta_token(app_id=app_id, body_len=rng.randrange(90, 180), seed=_seed(rng))


def _hex(n: int) -> Builder:
    return lambda rng: fakes.hex_string(n, seed=_seed(rng))


def _alnum(n: int) -> Builder:
    # A stand-in for keys without a documented format; always ends with a digit.
    return lambda rng: fakes.alnum(n - 1, seed=_seed(rng)) + str(rng.randrange(10))


VALUES: dict[str, Builder] = {
    "meta-access-token": _meta,
    "meta-app-access-token": lambda rng: fakes.meta_app_token(
        app_id=rng.randrange(10**14, 10**16), seed=_seed(rng)
    ),
    "meta-app-secret": _hex(32),
    "whatsapp-verify-token": _alnum(24),
    "infobip-api-key": lambda rng: fakes.infobip_key(seed=_seed(rng)),
    "green-api-token": lambda rng: fakes.green_api_token(seed=_seed(rng)),
    "messagebird-access-key": lambda rng: fakes.messagebird_key(rng.random() < 0.5, _seed(rng)),
    "gupshup-api-key": lambda rng: fakes.gupshup_key(seed=_seed(rng)),
    "kaleyra-api-key": lambda rng: fakes.kaleyra_key(seed=_seed(rng)),
    "chat-api-token": lambda rng: fakes.chat_api_token(seed=_seed(rng)),
    "dialog360-api-key": _alnum(32),
    "bsp-api-key": _alnum(32),
    "bsp-api-key/uuid": lambda rng: fakes.uuid4(seed=_seed(rng)),
    "whatsapp-credential-literal": _alnum(40),
}

# (rule, value builder key, file types, template). ``{T}`` is the credential.
POSITIVE_TEMPLATES: list[tuple[str, str, tuple[str, ...], str]] = [
    ("meta-access-token", "", ("env",), "WHATSAPP_TOKEN={T}"),
    ("meta-access-token", "", ("env", "sh"), "export META_ACCESS_TOKEN='{T}'"),
    ("meta-access-token", "", ("py",), 'ACCESS_TOKEN = "{T}"'),
    ("meta-access-token", "", ("py",), 'r = requests.get(GRAPH_URL, params={{"access_token": "{T}"}})'),
    ("meta-access-token", "", ("py", "ipynb"), 'headers = {{"Authorization": "Bearer {T}"}}'),
    ("meta-access-token", "", ("js", "ts"), "const token = '{T}';"),
    ("meta-access-token", "", ("js", "ts"), "  headers: {{ Authorization: `Bearer {T}` }},"),
    ("meta-access-token", "", ("go",), 'req.Header.Set("Authorization", "Bearer {T}")'),
    ("meta-access-token", "", ("java",), 'private static final String TOKEN = "{T}";'),
    ("meta-access-token", "", ("php",), "$token = '{T}';"),
    ("meta-access-token", "", ("rb",), "TOKEN = '{T}'"),
    ("meta-access-token", "", ("yml",), "  access_token: {T}"),
    ("meta-access-token", "", ("json",), '  "accessToken": "{T}",'),
    ("meta-access-token", "", ("md",), "curl 'https://graph.facebook.com/v19.0/me?access_token={T}'"),
    ("meta-access-token", "", ("dockerfile",), "ENV WHATSAPP_TOKEN={T}"),
    ("meta-app-access-token", "", ("py",), 'APP_TOKEN = "{T}"'),
    ("meta-app-access-token", "", ("md", "sh"), "curl 'https://graph.facebook.com/debug_token?input_token=x&access_token={T}'"),
    ("meta-app-secret", "", ("env",), "META_APP_SECRET={T}"),
    ("meta-app-secret", "", ("py",), 'WHATSAPP_APP_SECRET = "{T}"'),
    ("meta-app-secret", "", ("js", "ts"), "  appSecret: '{T}', // WhatsApp webhook signature"),
    ("meta-app-secret", "", ("yml",), "  fb_app_secret: {T}"),
    ("meta-app-secret", "", ("php",), "define('FACEBOOK_APP_SECRET', '{T}');"),
    ("whatsapp-verify-token", "", ("py",), 'VERIFY_TOKEN = "{T}"'),
    ("whatsapp-verify-token", "", ("js", "ts"), "if (req.query['hub.verify_token'] === '{T}') {{"),
    ("whatsapp-verify-token", "", ("env",), "WHATSAPP_VERIFY_TOKEN={T}"),
    ("whatsapp-verify-token", "", ("py", "ipynb"), 'VERIFY_TOKEN = os.getenv("VERIFY_TOKEN", "{T}")'),
    ("infobip-api-key", "", ("py",), 'headers = {{"Authorization": "App {T}"}}'),
    ("infobip-api-key", "", ("env",), "INFOBIP_API_KEY={T}"),
    ("infobip-api-key", "", ("sh", "md"), "curl -H 'Authorization: App {T}' https://api.infobip.com/whatsapp/1/message/text"),
    ("infobip-api-key", "", ("java",), 'String apiKey = "{T}";'),
    ("green-api-token", "", ("py",), 'greenAPI = API.GreenAPI("1101000001", "{T}")'),
    ("green-api-token", "", ("md", "sh"), "curl https://api.green-api.com/waInstance1101000001/getStateInstance/{T}"),
    ("green-api-token", "", ("json",), '  "apiTokenInstance": "{T}",'),
    ("messagebird-access-key", "", ("env",), "MESSAGEBIRD_API_KEY={T}"),
    ("messagebird-access-key", "", ("js", "ts"), "const messagebird = require('messagebird')('{T}');"),
    ("messagebird-access-key", "", ("sh",), "curl -H 'Authorization: AccessKey {T}' https://conversations.messagebird.com/v1/send"),
    ("gupshup-api-key", "", ("py",), "headers = {{'apikey': '{T}', 'Content-Type': 'application/x-www-form-urlencoded'}}"),
    ("gupshup-api-key", "", ("env",), "GUPSHUP_API_KEY={T}"),
    ("kaleyra-api-key", "", ("env",), "KALEYRA_API_KEY={T}"),
    ("kaleyra-api-key", "", ("py",), 'headers = {{"api-key": "{T}"}}'),
    ("chat-api-token", "", ("py", "js"), "url = 'https://api.chat-api.com/instance123456/sendMessage?token={T}'"),
    ("dialog360-api-key", "", ("py", "ipynb"), 'headers = {{"D360-API-KEY": "{T}", "Content-Type": "application/json"}}'),
    ("dialog360-api-key", "", ("env",), "D360_API_KEY={T}"),
    ("dialog360-api-key", "", ("sh", "md"), 'curl -H "D360-API-KEY: {T}" https://waba-v2.360dialog.io/messages'),
    ("dialog360-api-key", "", ("go",), 'req.Header.Set("D360-API-KEY", "{T}")'),
    ("dialog360-api-key", "", ("php",), "'D360-API-KEY' => '{T}',"),
    ("bsp-api-key", "", ("env",), "WATI_API_TOKEN={T}"),
    ("bsp-api-key", "", ("py",), 'requests.post("https://api.ultramsg.com/instance1150/messages/chat?token={T}&to=" + to)'),
    ("bsp-api-key", "", ("env",), "WASSENGER_API_KEY={T}"),
    ("bsp-api-key", "bsp-api-key/uuid", ("py",), 'headers = {{"x-maytapi-key": "{T}"}}'),
    ("bsp-api-key", "", ("js", "ts"), "const WHAPI_TOKEN = '{T}';"),
    ("bsp-api-key", "", ("yml",), "  gallabox_api_secret: {T}"),
    ("bsp-api-key", "", ("env",), "INTERAKT_API_KEY={T}"),
    ("bsp-api-key", "", ("env",), "AISENSY_API_KEY={T}"),
    ("bsp-api-key", "", ("py",), 'VONAGE_API_SECRET = "{T}"'),
    ("bsp-api-key", "", ("sh",), "export TYNTEC_API_KEY={T}"),
    ("bsp-api-key", "", ("sh", "md"), "curl -H 'X-API-Key: {T}' https://api.ycloud.com/v2/whatsapp/messages"),
    ("whatsapp-credential-literal", "", ("py",), 'WHATSAPP_API_KEY = "{T}"'),
    ("whatsapp-credential-literal", "", ("js", "ts"), 'const WHATSAPP_TOKEN = process.env.WHATSAPP_TOKEN || "{T}";'),
    ("whatsapp-credential-literal", "", ("env",), "WA_TOKEN={T}"),
    ("whatsapp-credential-literal", "", ("yml",), "      - WHATSAPP_API_TOKEN={T}"),
    ("whatsapp-credential-literal", "", ("go",), 'whatsappToken := "{T}"'),
    ("whatsapp-credential-literal", "", ("rb",), "WHATSAPP_TOKEN = ENV.fetch('WHATSAPP_TOKEN', '{T}')"),
]  # fmt: skip


# Realistic forms written *after* the detectors and deliberately not tuned against, so the
# report shows what the line-based, context-gated design misses. ``\n`` splits lines; the
# credential's line is the labelled one.
HARD_POSITIVE_TEMPLATES: list[tuple[str, str, tuple[str, ...], str]] = [
    ("meta-access-token", "", ("py",), 'WHATSAPP_TOKEN = (\n    "{T}"\n)'),
    ("whatsapp-credential-literal", "", ("yml",), "whatsapp:\n  token: {T}"),
    ("whatsapp-credential-literal", "", ("json",), '  "WhatsApp": {{\n    "AccessToken": "{T}"\n  }},'),
    ("dialog360-api-key", "", ("py",), 'headers = {{\n    "D360-API-KEY":\n        "{T}",\n}}'),
    ("bsp-api-key", "", ("ts",), 'const client = new WatiClient({{ token: "{T}" }});'),
    ("meta-app-secret", "", ("py",), 'digest = hmac.new(b"{T}", body, hashlib.sha256).hexdigest()'),
    ("whatsapp-verify-token", "", ("go",), 'if r.URL.Query().Get("hub.verify_token") != "{T}" {{'),
    ("meta-access-token", "", ("java",), 'headers.setBearerAuth("{T}");'),
    ("bsp-api-key", "", ("php",), "$client = new Vonage\\Client(new Basic('abcd1234', '{T}'));"),
]  # fmt: skip

HARD_DECOYS: list[tuple[str, tuple[str, ...], str]] = [
    ("hard-name", ("py",), 'WHATSAPP_CACHE_KEY = "whatsapp:session:v2"'),
    ("hard-name", ("py",), 'WA_TEMPLATE_KEY = "order_confirmation_v3"'),
    ("hard-name", ("py",), 'WHATSAPP_TOKEN_URL = "https://graph.facebook.com/v19.0/oauth/access_token"'),
    ("hard-name", ("py",), 'WHATSAPP_SECRET_NAME = "prod/whatsapp/token"'),  # pragma: allowlist secret (a decoy: not a secret)
    ("hard-name", ("js", "ts"), "const WHATSAPP_API_KEY_HEADER = 'D360-API-KEY';"),  # pragma: allowlist secret (a decoy)
    ("hard-name", ("py",), 'os.environ.setdefault("WHATSAPP_TOKEN", "dummy-token-for-tests")'),
    ("hard-name", ("env",), "WHATSAPP_API_KEY=${WHATSAPP_API_KEY:-}"),
    ("hard-name", ("yml",), "  whatsapp_token_ttl: 86400s"),
    ("hard-name", ("java",), 'private static final String WHATSAPP_TOKEN_PARAM = "access_token";'),
]  # fmt: skip


def _decoys(rng: random.Random) -> list[tuple[str, tuple[str, ...], str]]:
    """(category, file types, line) — rebuilt per file so random parts differ."""
    s = _seed(rng)
    app_id = rng.randrange(10**14, 10**16)
    return [
        ("placeholder", ("env",), "WHATSAPP_TOKEN=your_whatsapp_access_token_here"),
        ("placeholder", ("py",), 'ACCESS_TOKEN = "EAA' + "x" * rng.randrange(80, 150) + '"'),
        ("placeholder", ("md",), "Authorization: Bearer EAAG..."),
        ("placeholder", ("md",), "Use a token like `EAABwSIYN33kB" + "FAKE" * 30 + "`"),
        ("placeholder", ("md",), "    D360-API-KEY: {{your-api-key}}"),
        ("placeholder", ("env",), "D360_API_KEY=<your_360dialog_key>"),
        ("placeholder", ("yml",), "  verify_token: changeme"),
        ("placeholder", ("js", "ts"), "const WHATSAPP_TOKEN = 'YOUR_WHATSAPP_TOKEN';"),
        ("placeholder", ("env",), "INFOBIP_API_KEY=your_infobip_api_key_here"),
        (
            "placeholder",
            ("md",),
            "https://api.chat-api.com/instance123/sendMessage?token=SEU_TOKEN",
        ),
        ("truncated", ("md",), "Example: `" + _meta(rng)[:30] + "...`"),
        ("env-lookup", ("py", "ipynb"), 'WHATSAPP_TOKEN = os.environ["WHATSAPP_TOKEN"]'),
        ("env-lookup", ("py",), 'headers = {"D360-API-KEY": os.getenv("D360_API_KEY")}'),
        ("env-lookup", ("js", "ts"), "const token = process.env.WHATSAPP_TOKEN;"),
        ("env-lookup", ("yml",), "      WHATSAPP_TOKEN: ${{ secrets.WHATSAPP_TOKEN }}"),
        ("env-lookup", ("env", "sh"), "META_APP_SECRET=${META_APP_SECRET}"),
        ("env-lookup", ("sh",), 'curl -H "Authorization: Bearer $WHATSAPP_TOKEN" "$GRAPH_URL"'),
        ("env-lookup", ("go",), 'token := os.Getenv("WHATSAPP_TOKEN")'),
        ("env-lookup", ("java",), 'String token = System.getenv("WHATSAPP_TOKEN");'),
        ("env-lookup", ("php",), "$token = getenv('WHATSAPP_TOKEN');"),
        ("env-lookup", ("rb",), "token = ENV['WHATSAPP_TOKEN']"),
        ("env-lookup", ("dockerfile",), "ARG WHATSAPP_TOKEN"),
        ("id", ("env",), f"WHATSAPP_PHONE_NUMBER_ID={rng.randrange(10**14, 10**16)}"),
        ("id", ("py",), f'WABA_ID = "{rng.randrange(10**14, 10**16)}"'),
        ("id", ("json",), f'  "phone_number_id": "{rng.randrange(10**14, 10**16)}",'),
        ("id", ("yml",), f"  app_id: {app_id}"),
        ("id", ("json",), f'  "id": "wamid.{fakes.alnum(40, seed=s)}",'),
        ("hash", ("py",), f'EXPECTED_MD5 = "{fakes.hex_string(32, seed=s + 1)}"'),
        ("hash", ("md", "sh"), f"sha256sum: {fakes.hex_string(64, seed=s + 2)}"),
        ("hash", ("json",), f'  "checksum": "{fakes.hex_string(40, seed=s + 3)}",'),
        ("hash", ("yml",), f"      - uses: actions/checkout@{fakes.hex_string(40, seed=s + 4)}"),
        ("hash", ("md",), f"Fixed in commit {fakes.hex_string(40, seed=s + 5)}."),
        ("hash", ("py",), f'webhook_signature = "sha256={fakes.hex_string(64, seed=s + 6)}"'),
        ("lowercase-eaa", ("yml",), f"  checksum: eaac{fakes.hex_string(124, seed=s + 7)}"),
        ("lowercase-eaa", ("sh",), f"echo eaadb706{fakes.uuid4(seed=s + 8)[8:]}"),
        ("uuid", ("py",), f'REQUEST_ID = "{fakes.uuid4(seed=s + 9)}"'),
        ("uuid", ("json",), f'  "correlationId": "{fakes.uuid4(seed=s + 10)}",'),
        ("uuid", ("yml",), f"  template_id: {fakes.uuid4(seed=s + 11)}"),
        ("green-api-instance", ("env",), f"ID_INSTANCE={rng.randrange(10**9, 10**10)}"),
    ]


def _neutrals(rng: random.Random) -> list[tuple[str, tuple[str, ...], str]]:
    s = _seed(rng)
    return [
        ("square-token", ("env",), f"SQUARE_ACCESS_TOKEN={fakes.square_token(seed=s)}"),
        ("twilio-sid", ("py",), f'TWILIO_ACCOUNT_SID = "AC{fakes.hex_string(32, seed=s + 1)}"'),
    ]


FILLER: dict[str, list[str]] = {
    "env": ["# WhatsApp Cloud API", "GRAPH_API_VERSION=v19.0", "LOG_LEVEL=info", "PORT=8080"],
    "sh": ["#!/usr/bin/env bash", "set -euo pipefail", 'echo "sending template"', "sleep 1"],
    "py": ["import os", "import requests", "", "def send(to: str, body: str) -> None:",
           '    payload = {"messaging_product": "whatsapp", "to": to}', "    return None"],
    "ipynb": ["import requests", 'phone = "+14155550100"', "print(phone)"],
    "js": ["const axios = require('axios');", "", "async function send(to, text) {",
           "  const body = { messaging_product: 'whatsapp', to, text: { body: text } };", "}"],
    "ts": ["import axios from 'axios';", "", "export async function send(to: string): Promise<void> {",
           "  console.log(`sending to ${to}`);", "}"],
    "go": ["package main", "", 'import "net/http"', "", "func send(to string) error {", "\treturn nil", "}"],
    "java": ["package com.example.whatsapp;", "", "public class Client {", "    // send a template", "}"],
    "php": ["<?php", "", "function send($to) {", "    return true;", "}"],
    "rb": ["require 'net/http'", "", "def send(to)", "  true", "end"],
    "yml": ["whatsapp:", "  api_version: v19.0", "  retries: 3", "  timeout: 30"],
    "json": ["{", '  "name": "whatsapp-bot",', '  "version": "1.0.0",', '  "private": true'],
    "md": ["# WhatsApp integration", "", "```sh", "pip install requests", "```", ""],
    "dockerfile": ["FROM python:3.12-slim", "WORKDIR /app", "COPY . .", 'CMD ["python", "bot.py"]'],
}  # fmt: skip

FILE_NAMES = {
    "env": ".env", "sh": "deploy.sh", "py": "bot.py", "ipynb": "explore.ipynb", "js": "index.js",
    "ts": "client.ts", "go": "main.go", "java": "Client.java", "php": "send.php", "rb": "client.rb",
    "yml": "config.yml", "json": "settings.json", "md": "README.md", "dockerfile": "Dockerfile",
}  # fmt: skip


def generate(root: Path, seed: int = 20261125, files_per_type: int = 6) -> list[Label]:
    """Write the corpus under ``root`` and return its labels."""
    rng = random.Random(seed)
    labels: list[Label] = []
    for ftype, base_name in FILE_NAMES.items():
        positives = [t for t in POSITIVE_TEMPLATES if ftype in t[2]]
        for copy in range(files_per_type):
            rel = f"{ftype}{copy}/{base_name}"
            entries: list[tuple[str, str, str, str]] = []  # (kind, category, line, secret)
            for rule, builder, _, template in positives:
                value = VALUES[builder or rule](rng)
                entries.append(("positive", rule, template.format(T=value), value))
            for rule, builder, types, template in HARD_POSITIVE_TEMPLATES:
                if ftype in types:
                    value = VALUES[builder or rule](rng)
                    entries.append(("positive-hard", rule, template.format(T=value), value))
            for category, types, line in [*_decoys(rng), *HARD_DECOYS]:
                if ftype in types:
                    entries.append(("decoy", category, line, ""))
            for category, types, line in _neutrals(rng):
                if ftype in types:
                    entries.append(("neutral", category, line, ""))
            rng.shuffle(entries)
            labels.extend(_write(root / rel, rel, ftype, entries, rng))
    return labels


def _write(
    path: Path, rel: str, ftype: str, entries: list[tuple[str, str, str, str]], rng: random.Random
) -> list[Label]:
    filler = FILLER[ftype]
    code: list[str] = list(filler[:2])
    marks: list[tuple[int, tuple[str, str, str, str]]] = []
    for entry in entries:
        code.append(rng.choice(filler))
        parts = entry[2].split("\n")
        secret = entry[3]
        at = next((i for i, part in enumerate(parts) if secret and secret in part), 0)
        marks.append((len(code) + at, entry))
        code.extend(parts)
    code.extend(filler[2:])
    path.parent.mkdir(parents=True, exist_ok=True)
    if ftype == "ipynb":
        # One JSON string per source line, each on its own line of the file, as Jupyter
        # writes them; the header puts source line i on file line i + offset.
        header = ['{', ' "cells": [', '  {', '   "cell_type": "code",', '   "metadata": {},',
                  '   "source": [']  # fmt: skip
        body = [f"    {json.dumps(line + chr(10))}," for line in code]
        body[-1] = body[-1].rstrip(",")
        footer = ["   ]", "  }", " ],", ' "metadata": {},', ' "nbformat": 4,',
                  ' "nbformat_minor": 5', "}"]  # fmt: skip
        text = "\n".join(header + body + footer) + "\n"
        offset = len(header)
        json.loads(text)  # a well-formed notebook
    else:
        text = "\n".join(code) + "\n"
        offset = 0
    path.write_text(text, encoding="utf-8")
    return [
        Label(
            rel,
            index + 1 + offset,
            kind.removesuffix("-hard"),
            category,
            secret,
            hard=kind.endswith("-hard"),
        )
        for index, (kind, category, _, secret) in marks
    ]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        found = generate(Path(tmp))
        kinds: dict[str, int] = {}
        for label in found:
            kinds[label.kind] = kinds.get(label.kind, 0) + 1
        print(kinds)
