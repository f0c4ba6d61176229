"""Meta access tokens: a read-only ``debug_token`` call in which the token inspects itself.

The token goes in the ``Authorization`` header, and, as the ``input_token`` the endpoint
inspects, in a POST form body with the Graph API's method override (``method=GET``): never
in a URL. Should the override be refused, ``/me`` and ``/me/permissions`` are asked with the
header alone, and the report says what stays unknown (type, app, expiry, target accounts).

Classification (graph-api/guides/error-handling; debug_token reference):

* ``active``: ``data.is_valid`` is true;
* ``invalid``: ``is_valid`` false, or error 190 (and its subcodes: 458 app removed,
  460 password changed, 463 expired, 466 revoked, 467 invalid...), or 102;
* ``unverifiable``: ``appsecret_proof`` required (the app demands a proof the token alone
  cannot give: it may well be live), rate limits (429, codes 4, 17, 32, 613, 80001-80014),
  network failures, timeouts, 5xx.

For an active token, each WhatsApp Business Account its ``granular_scopes`` target is asked
for its phone numbers (one read per account): what the token can send from.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wabaguard.online.http import HttpClient, HttpError
from wabaguard.online.verify.model import Issuer, Settings, Verdict, failed

NAME = "meta"
URL_VARIABLE = "WABAGUARD_GRAPH_API_URL"
DEFAULT_URL = "https://graph.facebook.com"
VERSION = "v23.0"
WHATSAPP_SCOPES = ("whatsapp_business_management", "whatsapp_business_messaging")
# Granted to every user token, reaches nothing of the business: not an excess.
BASELINE_SCOPES = frozenset({"public_profile"})
MAX_ACCOUNTS = 25  # WhatsApp Business Accounts asked for their numbers, per token
MAX_LIST = 100  # entries kept from any list the server returns

# Error 190 subcodes (Graph API error-handling guide; 463-467 from Meta's older list).
SUBCODES: dict[int, tuple[str, str]] = {
    458: ("app-removed", "the app was removed (not installed for its user)"),
    459: ("user-checkpointed", "its user is checkpointed (must log in to Facebook)"),
    460: ("password-changed", "its user changed their password"),
    463: ("expired", "it has expired"),
    464: ("user-unconfirmed", "its user is not confirmed"),
    466: ("revoked", "it was revoked (invalidated through an API call)"),
    467: ("invalid", "it is invalid (its user logged out, or it was revoked)"),
    492: ("invalid-session", "its session is invalid"),
}
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})


def check(token: str, settings: Settings) -> Verdict:
    try:
        client = settings.client(
            settings.base_url(URL_VARIABLE, DEFAULT_URL), {"Authorization": f"Bearer {token}"}
        )
    except HttpError as exc:
        return failed(NAME, "", exc, 0)
    host = client.origin.split("://", 1)[-1]
    try:
        response = client.post_form(
            client.url(f"{VERSION}/debug_token"), {"input_token": token, "method": "GET"}
        )
        body = response.json()
    except HttpError as exc:
        error = _graph_error(exc.body)
        if exc.status == 405 or (error is not None and _post_refused(error)):
            return _fallback(client, host)
        if error is not None:
            return _from_error(error, client, host)
        return failed(NAME, host, exc, client.requests)
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return _unexpected(client, host, "debug_token answered without a data object")
    if data.get("is_valid") is not True:
        error = data.get("error")
        if isinstance(error, dict):
            return _from_error(error, client, host)
        return Verdict(
            "invalid", NAME, host, "invalid", "Meta says it is not valid", requests=client.requests
        )
    facts = _facts(data)
    accounts = facts.pop("_accounts")
    if accounts:
        facts["whatsapp_business_accounts"] = [_phone_numbers(client, a) for a in accounts]
    return Verdict("active", NAME, host, facts=facts, requests=client.requests)


def _facts(data: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for key in ("type", "app_id", "application"):
        value = data.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            facts["token_type" if key == "type" else key] = _text(value)
    scopes = [_text(s) for s in _list(data.get("scopes")) if isinstance(s, str)]
    facts["scopes"] = scopes
    granular: list[dict[str, Any]] = []
    accounts: list[str] = []
    unlisted = False
    for entry in _list(data.get("granular_scopes")):
        if not isinstance(entry, dict) or not isinstance(entry.get("scope"), str):
            continue
        targets = [str(t) for t in _list(entry.get("target_ids")) if _is_id(t)]
        granular.append({"scope": _text(entry["scope"]), "target_ids": targets})
        if entry["scope"] in WHATSAPP_SCOPES:
            if not targets:
                unlisted = True
            accounts.extend(t for t in targets if t not in accounts)
    facts["granular_scopes"] = granular
    excess = sorted(set(scopes) - set(WHATSAPP_SCOPES) - BASELINE_SCOPES)
    facts["excess_scopes"] = excess
    expires = data.get("expires_at")
    if isinstance(expires, int) and not isinstance(expires, bool):
        facts["expires_at"] = "never" if expires == 0 else _iso(expires)
    for key in ("issued_at", "data_access_expires_at"):
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            facts[key] = _iso(value)
    if unlisted:
        # A WhatsApp scope with no target ids reaches every account its user was granted.
        facts["whatsapp_accounts_unlisted"] = True
    facts["_accounts"] = accounts[:MAX_ACCOUNTS]
    return facts


def _phone_numbers(client: HttpClient, account: str) -> dict[str, Any]:
    """The numbers one WhatsApp Business Account sends from (one read call)."""
    url = client.url(
        f"{VERSION}/{account}/phone_numbers",
        {"fields": "display_phone_number,verified_name", "limit": MAX_LIST},
    )
    try:
        body, _ = client.get_json(url)
    except HttpError as exc:
        error = _graph_error(exc.body)
        said = _error_text(error, client) if error is not None else exc.message
        return {"id": account, "error": said}
    numbers = []
    for entry in _list(body.get("data") if isinstance(body, dict) else None):
        if not isinstance(entry, dict):
            continue
        number = {
            key: client.scrub(str(entry[key]))[:80]
            for key in ("display_phone_number", "verified_name", "id")
            if isinstance(entry.get(key), (str, int))
        }
        if number:
            numbers.append(number)
    return {"id": account, "phone_numbers": numbers}


def _fallback(client: HttpClient, host: str) -> Verdict:
    """``debug_token`` refused the form body: ``/me`` and ``/me/permissions``, header only."""
    try:
        me, _ = client.get_json(client.url(f"{VERSION}/me", {"fields": "id,name"}))
        permissions, _ = client.get_json(client.url(f"{VERSION}/me/permissions"))
    except HttpError as exc:
        error = _graph_error(exc.body)
        if error is not None:
            return _from_error(error, client, host)
        return failed(NAME, host, exc, client.requests)
    facts: dict[str, Any] = {}
    if isinstance(me, dict) and isinstance(me.get("id"), (str, int)):
        facts["id"] = str(me["id"])
    scopes = [
        _text(p.get("permission"))
        for p in _list(permissions.get("data") if isinstance(permissions, dict) else None)
        if isinstance(p, dict) and p.get("status") == "granted" and p.get("permission")
    ]
    facts["scopes"] = scopes
    facts["excess_scopes"] = sorted(set(scopes) - set(WHATSAPP_SCOPES) - BASELINE_SCOPES)
    facts["unknown"] = ["token_type", "app_id", "expires_at", "issued_at", "granular_scopes"]
    return Verdict(
        "active",
        NAME,
        host,
        "debug-token-unavailable",
        "debug_token refused the token in a POST body; /me and /me/permissions answered, so "
        "its type, app, expiry, issue date and target accounts stay unknown",
        facts,
        client.requests,
    )


def _from_error(error: dict[str, Any], client: HttpClient, host: str) -> Verdict:
    code = error.get("code")
    subcode = error.get("error_subcode", error.get("subcode"))
    message = str(error.get("message", ""))
    said = _error_text(error, client)
    n = client.requests
    if "appsecret_proof" in message:
        return Verdict(
            "unverifiable",
            NAME,
            host,
            "appsecret-proof-required",
            "the app requires appsecret_proof on server calls, which the token alone cannot "
            "give: it may well be live",
            requests=n,
        )
    if code == 190 or code == 102:
        known = SUBCODES.get(subcode) if isinstance(subcode, int) else None
        reason, why = known or ("invalid", "it is expired, revoked or invalid")
        if isinstance(subcode, int) and known is None:
            reason = f"invalid-{subcode}"
        return Verdict(
            "invalid", NAME, host, reason, f"Meta refused it: {why} ({said})", requests=n
        )
    if code in RATE_LIMIT_CODES:
        return Verdict(
            "unverifiable", NAME, host, "rate-limited", f"rate limited ({said})", requests=n
        )
    if code in (1, 2):
        return Verdict(
            "unverifiable", NAME, host, "server-error", f"temporary error ({said})", requests=n
        )
    return Verdict("unverifiable", NAME, host, "unexpected-answer", said, requests=n)


def _unexpected(client: HttpClient, host: str, detail: str) -> Verdict:
    return Verdict(
        "unverifiable", NAME, host, "unexpected-answer", detail, requests=client.requests
    )


def _post_refused(error: dict[str, Any]) -> bool:
    """The Graph API's answer to a POST it does not accept on this path."""
    message = str(error.get("message", "")).lower()
    return error.get("code") in (100, 3) and "post" in message


def _graph_error(body: bytes) -> dict[str, Any] | None:
    import json

    try:
        doc = json.loads(body.decode("utf-8", "replace")) if body else None
    except ValueError:
        return None
    error = doc.get("error") if isinstance(doc, dict) else None
    return error if isinstance(error, dict) else None


def _error_text(error: dict[str, Any], client: HttpClient) -> str:
    from wabaguard.reporters._printable import printable

    code = error.get("code")
    subcode = error.get("error_subcode", error.get("subcode"))
    message = printable(client.scrub(" ".join(str(error.get("message", "")).split())))[:160]
    where = f"error {code}" + (f", subcode {subcode}" if subcode is not None else "")
    return f"{where}: {message}" if message else where


def _text(value: Any) -> str:
    """A string the server sent, for the facts: capped (a hostile answer cannot bloat a
    report; the reporters escape control characters)."""
    return str(value)[:120]


def _list(value: Any) -> list[Any]:
    return value[:MAX_LIST] if isinstance(value, list) else []


def _is_id(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).isdigit()


def _iso(epoch: int) -> str:
    try:
        moment = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return str(epoch)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


ISSUER = Issuer(NAME, "Meta Graph API", URL_VARIABLE, DEFAULT_URL, check)
