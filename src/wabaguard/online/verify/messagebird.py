"""MessageBird (Bird) access keys: ``GET /balance`` with ``Authorization: AccessKey <key>``.

A read of the account balance (MessageBird REST API, "Balance"): no side effects. 200 means
the key is live; 401 (``{"errors":[{"code":2,"description":"Request not allowed (incorrect
access_key)"}]}``) that it is not. A ``test_`` key is live but cannot send.
"""

from __future__ import annotations

from typing import Any

from wabaguard.online.verify._simple import header_check
from wabaguard.online.verify.model import Issuer

NAME = "messagebird"
URL_VARIABLE = "WABAGUARD_MESSAGEBIRD_API_URL"
DEFAULT_URL = "https://rest.messagebird.com"


def _facts(body: Any) -> dict[str, Any]:
    if isinstance(body, dict) and isinstance(body.get("payment"), str):
        return {"payment": body["payment"][:20]}  # "prepaid" / "postpaid": the account kind
    return {}


ISSUER = Issuer(
    NAME,
    "MessageBird REST API",
    URL_VARIABLE,
    DEFAULT_URL,
    header_check(
        name=NAME,
        url_variable=URL_VARIABLE,
        default_url=DEFAULT_URL,
        path="balance",
        headers=lambda key: {"Authorization": f"AccessKey {key}"},
        facts=_facts,
    ),
)
