"""Infobip API keys: ``GET /account/1/balance`` with ``Authorization: App <key>``.

A read of the account balance: no side effects. 2xx means live; 401 (``UNAUTHORIZED``,
"Invalid login details") that it is not. Infobip gives each account its own base URL
(``xxxxx.api.infobip.com``); ``api.infobip.com`` also answers, and
``WABAGUARD_INFOBIP_API_URL`` points elsewhere.
"""

from __future__ import annotations

from wabaguard.online.verify._simple import header_check
from wabaguard.online.verify.model import Issuer

NAME = "infobip"
URL_VARIABLE = "WABAGUARD_INFOBIP_API_URL"
DEFAULT_URL = "https://api.infobip.com"

ISSUER = Issuer(
    NAME,
    "Infobip API",
    URL_VARIABLE,
    DEFAULT_URL,
    header_check(
        name=NAME,
        url_variable=URL_VARIABLE,
        default_url=DEFAULT_URL,
        path="account/1/balance",
        headers=lambda key: {"Authorization": f"App {key}"},
    ),
)
