"""What every issuer's check returns, and how it gets its HTTP client."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from wabaguard.online.http import HttpClient, HttpError, RetryPolicy

Status = Literal["active", "invalid", "unverifiable", "unsupported"]

DEFAULT_TIMEOUT = 10.0  # seconds per request
# Verification waits less than the rotation check would: a scan is waiting for it.
RETRY = RetryPolicy(max_retries=2, max_wait=30.0, backoff=(0.5, 1.0))


@dataclass(frozen=True)
class Verdict:
    """What the issuer said about one credential. Never holds the credential.

    ``status``: ``active`` (the issuer accepted it), ``invalid`` (it refused it: expired,
    revoked...), ``unverifiable`` (no answer could be had: network, rate limit, the app
    requires ``appsecret_proof``), ``unsupported`` (wabaguard has no read-only check that
    keeps the credential out of URLs for this kind of value).
    ``reason``: a short kebab-case word for machines (``expired``, ``rate-limited``);
    ``detail``: one line for people; ``facts``: JSON facts (type, scopes, phone numbers).
    """

    status: Status
    issuer: str  # "meta", "messagebird", ...
    host: str = ""  # the host asked ("" when nothing was sent)
    reason: str = ""
    detail: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)
    requests: int = 0  # HTTP requests made, retries included

    def to_json(self) -> dict[str, Any]:
        """The ``verification`` object every report carries."""
        doc: dict[str, Any] = {"status": self.status, "issuer": self.issuer}
        if self.host:
            doc["host"] = self.host
        if self.reason:
            doc["reason"] = self.reason
        if self.detail:
            doc["detail"] = self.detail
        doc.update(self.facts)
        return doc


@dataclass(frozen=True)
class Settings:
    """How checks reach their issuers: base URLs from the environment, a timeout.

    ``env`` is where ``WABAGUARD_<ISSUER>_API_URL`` overrides are read (tests and enterprise
    proxies redirect them); ``sleep`` is injectable so rate-limit waits can be checked."""

    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    timeout: float = DEFAULT_TIMEOUT
    sleep: Callable[[float], None] | None = None
    # --verify-url-tokens: the user agreed to send tokens an issuer reads only from the URL
    # path (GREEN-API). Without it such tokens are never sent.
    url_tokens: bool = False

    def base_url(self, variable: str, default: str) -> str:
        return self.env.get(variable, "").strip() or default

    def client(
        self,
        base_url: str,
        secret_headers: Mapping[str, str],
        url_secrets: tuple[str, ...] = (),
    ) -> HttpClient:
        """A client for one credential (its own headers, or the path secrets the user
        consented to; raises ``HttpError('config')``)."""
        extra: dict[str, Any] = {} if self.sleep is None else {"sleep": self.sleep}
        return HttpClient(
            base_url,
            headers={"Accept": "application/json", "User-Agent": "wabaguard-verify"},
            secret_headers=secret_headers,
            url_secrets=url_secrets,
            timeout=self.timeout,
            retry=RETRY,
            **extra,
        )


def host_of(base_url: str) -> str:
    """The origin shown to people (``https://graph.facebook.com``), or the URL's problem."""
    from wabaguard.online.http import check_base_url

    try:
        return check_base_url(base_url, sends_credentials=False).split("://", 1)[-1]
    except HttpError as exc:
        return f"(unusable URL: {exc.message})"


def failed(issuer: str, host: str, exc: HttpError, requests: int) -> Verdict:
    """``unverifiable``: the request itself failed (network, timeout, rate limit, 5xx)."""
    reason = {
        "timeout": "timeout",
        "network": "network-error",
        "rate-limited": "rate-limited",
        "server": "server-error",
        "config": "bad-api-url",
    }.get(exc.kind, "unexpected-answer")
    return Verdict("unverifiable", issuer, host, reason, exc.message, requests=requests)


Check = Callable[[str, Settings], Verdict]


@dataclass(frozen=True)
class Issuer:
    """One issuer's read-only check: who it is, where it sends, and the check itself."""

    name: str  # "meta"
    label: str  # "Meta Graph API", for people
    url_variable: str  # WABAGUARD_GRAPH_API_URL
    default_url: str
    check: Check
    # A verdict reached without sending anything (a shared sandbox key), or None.
    local: Callable[[str], Verdict | None] = lambda _: None
    # A check that needs a non-secret fact found beside the value (Twilio: the token's
    # ``account_sid``): the finding property's name, and the check taking it. Without the
    # fact, ``check`` alone answers (``unsupported``, saying why) and nothing is sent.
    needs: str = ""
    paired_check: Callable[[str, str, Settings], Verdict] | None = None
    # The check puts the credential in the URL path (its issuer reads it from nowhere
    # else): only with ``Settings.url_tokens`` (--verify-url-tokens); else nothing is sent.
    url_token: bool = False

    def base_url(self, settings: Settings) -> str:
        return settings.base_url(self.url_variable, self.default_url)
