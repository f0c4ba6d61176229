"""Vonage (Nexmo) API secrets: ``GET /account/get-balance``, HTTP Basic auth.

A read of the account balance (Vonage Account API, "Get Account Balance"): no side effects.
The API reference documents the ``Authorization: Basic base64(api_key:api_secret)`` header
for it (its ``api_key``/``api_secret`` query parameters are never used: no credential in a
URL). The secret authenticates only with its API key, so the check needs the key found
beside it (the finding's ``vonage_api_key``; the account's id, not a secret). 200 with the
balance object (``{"value": 10.28, "autoReload": false}``) means live; 401 that it is not.
The balance itself is account data and is not reported: the verdict says only that it is
live.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from wabaguard.online.http import HttpError
from wabaguard.online.verify.model import Issuer, Settings, Verdict, failed

NAME = "vonage"
URL_VARIABLE = "WABAGUARD_VONAGE_API_URL"
DEFAULT_URL = "https://rest.nexmo.com"
NEEDS = "vonage_api_key"
NO_KEY = (
    "no read-only check for this key (of the BSP keys, only a Vonage API secret is checked, "
    "with the one API key found beside it)"
)
_KEY = re.compile(r"[A-Za-z0-9]{8}")


def check(secret: str, key: str, settings: Settings) -> Verdict:
    if not _KEY.fullmatch(key) or ":" in secret:  # Basic's user part: an API key, nothing else
        return Verdict("unsupported", "", reason="no-check", detail=NO_KEY)
    basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
    try:
        client = settings.client(
            settings.base_url(URL_VARIABLE, DEFAULT_URL), {"Authorization": f"Basic {basic}"}
        )
    except HttpError as exc:
        return failed(NAME, "", exc, 0)
    host = client.origin.split("://", 1)[-1]
    try:
        body, _ = client.get_json(client.url("account/get-balance"))
    except HttpError as exc:
        if exc.kind == "auth":
            return Verdict(
                "invalid",
                NAME,
                host,
                "rejected",
                _scrubbed(f"the issuer refused it ({exc.message})", secret),
                requests=client.requests,
            )
        failure = failed(NAME, host, exc, client.requests)
        return Verdict(
            failure.status,
            NAME,
            host,
            failure.reason,
            _scrubbed(failure.detail, secret),
            requests=client.requests,
        )
    if not _is_balance(body):
        return Verdict(
            "unverifiable",
            NAME,
            host,
            "unexpected-answer",
            f"{host} answered 200 without an account balance",
            requests=client.requests,
        )
    return Verdict("active", NAME, host, requests=client.requests)


def _is_balance(body: Any) -> bool:
    value = body.get("value") if isinstance(body, dict) else None
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scrubbed(text: str, secret: str) -> str:
    """Belt and braces: the client scrubs its Basic header; the raw secret too."""
    return text.replace(secret, "***") if len(secret) >= 4 else text


ISSUER = Issuer(
    NAME,
    "Vonage Account API",
    URL_VARIABLE,
    DEFAULT_URL,
    # Any other BSP key (bsp-api-key), or a Vonage secret with no key beside it: not sent.
    lambda _secret, _settings: Verdict("unsupported", "", reason="no-check", detail=NO_KEY),
    needs=NEEDS,
    paired_check=check,
)
