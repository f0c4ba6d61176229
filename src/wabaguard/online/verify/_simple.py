"""A read-only GET with the key in a header: 2xx active, 401/403 invalid, else unverifiable.

The shape every BSP check with a documented read-only endpoint shares (an account balance,
a configuration read). Never an endpoint with side effects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wabaguard.online.http import HttpError
from wabaguard.online.verify.model import Settings, Verdict, failed


def header_check(
    *,
    name: str,
    url_variable: str,
    default_url: str,
    path: str,
    headers: Callable[[str], Mapping[str, str]],
    facts: Callable[[Any], dict[str, Any]] = lambda _: {},
) -> Callable[[str, Settings], Verdict]:
    def check(key: str, settings: Settings) -> Verdict:
        try:
            client = settings.client(settings.base_url(url_variable, default_url), headers(key))
        except HttpError as exc:
            return failed(name, "", exc, 0)
        host = client.origin.split("://", 1)[-1]
        try:
            body, _ = client.get_json(client.url(path))
        except HttpError as exc:
            if exc.kind in ("auth", "forbidden"):
                return Verdict(
                    "invalid",
                    name,
                    host,
                    "rejected",
                    f"the issuer refused it ({exc.message})",
                    requests=client.requests,
                )
            return failed(name, host, exc, client.requests)
        return Verdict("active", name, host, facts=facts(body), requests=client.requests)

    return check
