"""360dialog API keys: ``GET /v1/configs/webhook`` with the ``D360-API-KEY`` header.

360dialog documents no "whoami"; reading the webhook configuration is read-only and is what
public integrations call with the key. 2xx: live; 401/403: refused; anything else:
unverifiable. Sandbox keys (``…_sandbox``, shared test keys) are not sent.
"""

from __future__ import annotations

from wabaguard.online.verify._simple import header_check
from wabaguard.online.verify.model import Issuer, Verdict

NAME = "360dialog"
URL_VARIABLE = "WABAGUARD_DIALOG360_API_URL"
DEFAULT_URL = "https://waba-v2.360dialog.io"


def _sandbox(key: str) -> Verdict | None:
    if key.lower().endswith("_sandbox"):
        return Verdict(
            "unsupported", NAME, reason="sandbox-key", detail="a 360dialog sandbox key: not sent"
        )
    return None


ISSUER = Issuer(
    NAME,
    "360dialog WhatsApp API",
    URL_VARIABLE,
    DEFAULT_URL,
    header_check(
        name=NAME,
        url_variable=URL_VARIABLE,
        default_url=DEFAULT_URL,
        path="v1/configs/webhook",
        headers=lambda key: {"D360-API-KEY": key},
    ),
    _sandbox,
)
