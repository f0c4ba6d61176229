"""GREEN-API instance tokens: ``GET /waInstance{idInstance}/getStateInstance/{token}``.

A read of the instance's state (GREEN-API, "GetStateInstance"): no side effects. GREEN-API
reads the token from the URL path only, so this is the one check that puts a credential in
a URL: wabaguard sends it only with ``--verify-url-tokens`` (``Settings.url_tokens``), only
over https (or plain http to a loopback address, for tests and local proxies), follows no
redirect, and scrubs the token from every message. The token authenticates only with its
instance id, so the check needs the ``id_instance`` found beside it.

An answer with a ``stateInstance`` means the token works (``authorized``, or an instance
that is ``notAuthorized``, ``blocked``, ``yellowCard``, ``suspended``, ``starting``,
``sleepMode``...: the state is reported); 401 or 403 that it does not.
"""

from __future__ import annotations

import re

from wabaguard.online.http import HttpError
from wabaguard.online.verify.model import Issuer, Settings, Verdict, failed

NAME = "green-api"
URL_VARIABLE = "WABAGUARD_GREENAPI_API_URL"
DEFAULT_URL = "https://api.green-api.com"  # GREEN-API's universal host
NEEDS = "id_instance"
NO_ID = (
    "a GREEN-API token is checked with its instance id, and no idInstance (or waInstance "
    "number) was found beside it, or several were"
)
_ID = re.compile(r"[0-9]{6,14}")
_TOKEN = re.compile(r"[A-Za-z0-9]{20,128}")  # it goes in a path: nothing that could escape
# States in which the token works but the instance cannot send as it should.
_NOT_SENDING = {
    "notAuthorized": "the instance is not linked to a WhatsApp account",
    "blocked": "the instance's WhatsApp account is banned",
    "yellowCard": "sending is suspended for spam",
    "suspended": "the account has temporary restrictions",
    "sleepMode": "the phone is off",
    "starting": "the instance is starting",
}


def check(token: str, id_instance: str, settings: Settings) -> Verdict:
    if not _ID.fullmatch(id_instance) or not _TOKEN.fullmatch(token):
        return Verdict("unsupported", NAME, reason="no-check", detail=NO_ID)
    try:
        client = settings.client(
            settings.base_url(URL_VARIABLE, DEFAULT_URL), {}, url_secrets=(token,)
        )
    except HttpError as exc:
        return failed(NAME, "", exc, 0)
    host = client.origin.split("://", 1)[-1]
    try:
        body, _ = client.get_json(client.url(f"waInstance{id_instance}/getStateInstance/{token}"))
    except HttpError as exc:
        if exc.kind in ("auth", "forbidden"):
            return Verdict(
                "invalid",
                NAME,
                host,
                "rejected",
                _scrubbed(f"the issuer refused it ({exc.message})", token),
                requests=client.requests,
            )
        failure = failed(NAME, host, exc, client.requests)
        return Verdict(
            failure.status,
            NAME,
            host,
            failure.reason,
            _scrubbed(failure.detail, token),
            requests=client.requests,
        )
    state = body.get("stateInstance") if isinstance(body, dict) else None
    if not isinstance(state, str) or not state:
        return Verdict(
            "unverifiable",
            NAME,
            host,
            "unexpected-answer",
            f"{host} answered 200 without a stateInstance",
            requests=client.requests,
        )
    return Verdict(
        "active",
        NAME,
        host,
        detail=_detail(state),
        facts={"instance_state": re.sub(r"[^A-Za-z0-9_-]", "", state)[:32]},
        requests=client.requests,
    )


def _detail(state: str) -> str:
    shown = re.sub(r"[^A-Za-z0-9_-]", "", state)[:32]
    if state == "authorized":
        return "instance authorized"
    why = _NOT_SENDING.get(state)
    return f"instance {shown}: {why}" if why else f"instance {shown}"


def _scrubbed(text: str, token: str) -> str:
    return text.replace(token, "***")


ISSUER = Issuer(
    NAME,
    "GREEN-API",
    URL_VARIABLE,
    DEFAULT_URL,
    lambda _token, _settings: Verdict("unsupported", NAME, reason="no-check", detail=NO_ID),
    needs=NEEDS,
    paired_check=check,
    url_token=True,
)
