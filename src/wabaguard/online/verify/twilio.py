"""Twilio auth tokens: ``GET /2010-04-01/Accounts/{AccountSid}.json``, HTTP Basic auth.

A read of the account itself (Twilio REST API, "Account resource: fetch"): no side effects.
The token authenticates only with its account SID, so the check needs the SID the detector
found beside it (the finding's ``account_sid``; an identifier, not a secret): the SID is the
Basic user and in the path, the token only the Basic password, in the ``Authorization``
header. 200 means live; 401 or 404 with Twilio's error body (``{"code": 20003, "message":
"Authenticate", "more_info", "status": 401}``) that it is not.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from wabaguard.online.http import HttpError
from wabaguard.online.verify.model import Issuer, Settings, Verdict, failed

NAME = "twilio"
URL_VARIABLE = "WABAGUARD_TWILIO_API_URL"
DEFAULT_URL = "https://api.twilio.com"
NEEDS = "account_sid"
NO_SID = (
    "a Twilio auth token is checked with its account SID, and no SID (AC + 32 hex) was "
    "found beside it"
)
_SID = re.compile(r"AC[a-f0-9]{32}")


def check(token: str, sid: str, settings: Settings) -> Verdict:
    if not _SID.fullmatch(sid):  # it goes in the path: never anything else
        return Verdict("unsupported", NAME, reason="no-check", detail=NO_SID)
    basic = base64.b64encode(f"{sid}:{token}".encode()).decode()
    try:
        client = settings.client(
            settings.base_url(URL_VARIABLE, DEFAULT_URL), {"Authorization": f"Basic {basic}"}
        )
    except HttpError as exc:
        return failed(NAME, "", exc, 0)
    host = client.origin.split("://", 1)[-1]
    try:
        body, _ = client.get_json(client.url(f"2010-04-01/Accounts/{sid}.json"))
    except HttpError as exc:
        if exc.kind in ("auth", "not-found") and _twilio_error(exc.body):
            return Verdict(
                "invalid",
                NAME,
                host,
                "rejected",
                f"the issuer refused it ({exc.message})",
                requests=client.requests,
            )
        return failed(NAME, host, exc, client.requests)
    return Verdict("active", NAME, host, facts=_facts(body), requests=client.requests)


def _twilio_error(body: bytes) -> bool:
    """Twilio's own error body (a numeric ``code``), not a proxy's page."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("code"), int)


def _facts(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {}
    facts: dict[str, Any] = {}
    for field, name in (
        ("status", "account_status"),  # active, suspended, closed
        ("friendly_name", "friendly_name"),
        ("type", "account_type"),  # Trial, Full
    ):
        if isinstance(body.get(field), str):
            facts[name] = body[field][:64]
    return facts


ISSUER = Issuer(
    NAME,
    "Twilio REST API",
    URL_VARIABLE,
    DEFAULT_URL,
    lambda _token, _settings: Verdict("unsupported", NAME, reason="no-check", detail=NO_SID),
    needs=NEEDS,
    paired_check=check,
)
