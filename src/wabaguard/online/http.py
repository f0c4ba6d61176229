"""HTTP plumbing for every online client (GitHub today, the Graph API and BSPs next).

One place for what each client would otherwise get subtly wrong:

* credentials travel only in request headers, and only to the origin the client was made
  for: a redirect or a pagination link to another origin is refused, never followed, and a
  credential found in a URL is refused before anything is sent;
* plain ``http://`` is accepted for loopback hosts only (local test servers, proxies on the
  same machine), never to send a credential across a network;
* every request has a timeout, every body a size cap;
* rate limits are honoured, boundedly: ``Retry-After`` (seconds or an HTTP date) or the
  client's own hint (GitHub's ``X-RateLimit-Reset``), waited for at most ``max_wait``
  seconds each, at most ``max_retries`` times; a longer wait is an error saying until when;
* 5xx answers are retried with a short backoff, under the same bound;
* every failure is an ``HttpError`` with a one-line message fit to print (no traceback, no
  credential, at most a capped and escaped excerpt of what the server said).

``sleep`` and ``clock`` are injectable, so tests can check every wait without waiting.
"""

from __future__ import annotations

import email.utils
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wabaguard.reporters._printable import printable

MAX_BODY = 16 * 1024 * 1024  # bytes of one response body
MAX_REDIRECTS = 5
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class HttpError(Exception):
    """A request that failed, with a one-line message that never holds a credential.

    ``kind`` says what failed, for callers that react differently: ``config`` (a URL that
    cannot be used), ``network``, ``timeout``, ``rate-limited``, ``auth`` (401),
    ``forbidden`` (403), ``not-found`` (404), ``server`` (5xx), ``http`` (another status),
    ``protocol`` (an unusable answer: not JSON, too large, a redirect elsewhere).
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int = 0,
        headers: Mapping[str, str] | None = None,
        server_message: str = "",
        body: bytes = b"",
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.headers: Mapping[str, str] = headers or {}
        self.server_message = server_message  # escaped, capped, scrubbed of credentials
        # The raw error body, for a client that classifies an API's own error codes (the
        # Graph API's ``error.code``); parse it, never print it.
        self.body = body


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]  # lower-cased names
    body: bytes
    url: str

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise HttpError(
                "protocol", f"{_origin_of(self.url)} answered {self.status} with a non-JSON body"
            ) from None


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3  # retries after the first attempt, for rate limits and 5xx together
    max_wait: float = 60.0  # seconds: a rate limit asking for longer is reported, not waited
    backoff: tuple[float, ...] = (1.0, 2.0, 4.0)  # seconds before each retry of a 5xx


# Given a response that is not a success, and the current time (epoch seconds), the seconds
# to wait before retrying, or None when it is not a rate limit.
RateLimitHint = Callable[[Response, float], "float | None"]


@dataclass
class HttpClient:
    """GET (and form POST) requests to one origin, with credentials in headers only.

    ``secret_headers`` (e.g. ``{"Authorization": "Bearer …"}``) are sent with every request
    and are never shown: their values are scrubbed from every message this client makes.
    """

    base_url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    secret_headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 15.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limit_hint: RateLimitHint | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    # Credentials an API reads only from the URL path (GREEN-API's token), sent only when
    # the user consented to it: allowed in the path, never in the query; scrubbed from every
    # message like the header values; no redirect is followed (it would resend the path).
    url_secrets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._header_secrets = tuple(v for v in self.secret_headers.values() if v)
        self._url_secrets = tuple(v for v in self.url_secrets if v)
        self._secrets = self._header_secrets + self._url_secrets
        self._origin = check_base_url(self.base_url, sends_credentials=bool(self._secrets))
        handlers: list[urllib.request.BaseHandler] = [_NoRedirects()]
        if self._origin.startswith("http:"):
            # Plain http is for loopback only: never hand the credential to a proxy (the
            # environment's HTTP_PROXY) on the way. https goes through proxies as usual (the
            # proxy sees a CONNECT tunnel, not the headers).
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)
        self.requests = 0  # requests sent, retries included (tests count them)

    @property
    def origin(self) -> str:
        return self._origin

    def url(self, path: str, params: Mapping[str, str | int] | None = None) -> str:
        """``base_url`` + ``path`` (already escaped) + the query."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        if params:
            url = f"{url}?{urllib.parse.urlencode(params)}"
        return url

    def get(self, url: str) -> Response:
        """GET ``url`` (from ``url()``, a same-origin Link or redirect): the 2xx response,
        after the bounded retries; anything else raises ``HttpError``."""
        return self._request(url, None)

    def post_form(self, url: str, fields: Mapping[str, str]) -> Response:
        """POST ``fields`` as a form body, with the same retries and errors as ``get``.

        For a credential an API reads as a parameter (the token ``debug_token`` inspects),
        which must travel in a body, never in a URL. Redirects are not followed (a body is
        not resent elsewhere)."""
        return self._request(url, urllib.parse.urlencode(fields).encode("ascii"))

    def _request(self, url: str, body: bytes | None) -> Response:
        redirects = 0
        attempt = 0
        while True:
            self._check_target(url)
            response = self._send(url, body)
            if 200 <= response.status < 300:
                return response
            if response.status in (301, 302, 303, 307, 308) and body is None:
                if self._url_secrets:
                    raise HttpError(
                        "protocol",
                        f"{self._origin} redirected; not followed, so the credential in the "
                        "path is not sent again",
                    )
                redirects += 1
                url = self._redirect_target(response, redirects)
                continue
            wait = self._rate_limit_wait(response)
            if wait is not None:
                if wait > self.retry.max_wait:
                    raise self._rate_limited(response, wait, gave_up=False)
                if attempt >= self.retry.max_retries:
                    raise self._rate_limited(response, wait, gave_up=True)
                self.sleep(max(wait, 0.0))
                attempt += 1
                continue
            if response.status >= 500 and attempt < self.retry.max_retries:
                backoff = self.retry.backoff
                self.sleep(backoff[min(attempt, len(backoff) - 1)] if backoff else 0.0)
                attempt += 1
                continue
            raise self.error_for(response)

    def get_json(self, url: str) -> tuple[Any, Response]:
        response = self.get(url)
        return response.json(), response

    # -- errors ---------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """``text`` with every credential this client holds masked (belt and braces)."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
            # A bearer value may be quoted without its scheme.
            _, _, bare = secret.partition(" ")
            if len(bare) >= 8:
                text = text.replace(bare, "***")
        return text

    def server_message(self, response: Response) -> str:
        """The ``message`` of a JSON error body, escaped, capped and scrubbed."""
        try:
            data = json.loads(response.body.decode("utf-8", "replace"))
        except ValueError:
            return ""
        message = data.get("message") if isinstance(data, dict) else None
        if not isinstance(message, str):
            return ""
        message = printable(self.scrub(" ".join(message.split())))
        return message if len(message) <= 200 else message[:200] + "…"

    def error_for(self, response: Response) -> HttpError:
        status = response.status
        said = self.server_message(response)
        kind = {401: "auth", 403: "forbidden", 404: "not-found"}.get(status)
        if kind is None:
            kind = "server" if status >= 500 else "http"
        reason = _REASONS.get(status, "")
        text = f"{status}{f' {reason}' if reason else ''}"
        if said:
            text = f"{text} ({said})"
        return HttpError(
            kind,
            text,
            status=status,
            headers=response.headers,
            server_message=said,
            body=response.body,
        )

    # -- internals ------------------------------------------------------------------------

    def _check_target(self, url: str) -> None:
        if _origin_of(url) != self._origin:
            # Pagination links and redirects come from the server; the credential goes
            # nowhere but the origin it was given for.
            raise HttpError(
                "protocol",
                f"{self._origin} pointed to another origin ({_origin_of(url)}); "
                "not followed, so the token is not sent there",
            )
        for secret in self._header_secrets:
            _, _, bare = secret.partition(" ")
            if secret in url or (len(bare) >= 8 and bare in url):
                raise HttpError("config", "refusing to put a credential in a URL")
        if self._url_secrets:
            parts = urllib.parse.urlsplit(url)
            rest = f"{parts.query}#{parts.fragment}"
            if any(secret in rest for secret in self._url_secrets):
                raise HttpError("config", "refusing to put a credential in a URL's query")

    def _send(self, url: str, body: bytes | None = None) -> Response:
        method = "GET" if body is None else "POST"
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 (http(s))
        for name, value in {**self.headers, **self.secret_headers}.items():
            request.add_header(name, value)
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        self.requests += 1
        try:
            with self._opener.open(request, timeout=self.timeout) as raw:
                return self._read(raw.status, raw.headers.items(), raw, url)
        except urllib.error.HTTPError as exc:  # a status the opener does not handle
            try:
                return self._read(exc.code, exc.headers.items(), exc, url)
            finally:
                exc.close()
        except TimeoutError:
            raise HttpError(
                "timeout", f"{self._origin} did not answer within {self.timeout:g} s"
            ) from None
        except urllib.error.URLError as exc:
            # scrub: an exception's text may quote the URL, and a URL may hold a url_secret
            text = self.scrub(f"cannot reach {self._origin}: {_reason(exc)}")
            raise HttpError("network", text) from None
        except OSError as exc:  # a connection reset mid-read, and the like
            raise HttpError(
                "network", self.scrub(f"connection to {self._origin} failed: {_os_reason(exc)}")
            ) from None

    def _read(
        self, status: int, headers: Iterable[tuple[str, str]], raw: Any, url: str
    ) -> Response:
        try:
            body = raw.read(MAX_BODY + 1)
        except TimeoutError:
            raise HttpError(
                "timeout", f"{self._origin} stopped sending within {self.timeout:g} s"
            ) from None
        if len(body) > MAX_BODY:
            raise HttpError(
                "protocol", f"{self._origin} sent more than {MAX_BODY // (1024 * 1024)} MiB"
            )
        return Response(status, {k.lower(): v for k, v in headers}, body, url)

    def _redirect_target(self, response: Response, redirects: int) -> str:
        location = response.header("Location")
        if not location or redirects > MAX_REDIRECTS:
            raise HttpError(
                "protocol", f"{self._origin} redirected {redirects} times without an answer"
            )
        return urllib.parse.urljoin(response.url, location)

    def _rate_limit_wait(self, response: Response) -> float | None:
        now = self.clock()
        if self.rate_limit_hint is not None:
            hinted = self.rate_limit_hint(response, now)
            if hinted is not None:
                return hinted
        if response.status in (429, 503):
            after = retry_after(response, now)
            if after is not None:
                return after
        if response.status == 429:
            return 60.0  # no hint: the conventional minute
        return None

    def _rate_limited(self, response: Response, wait: float, *, gave_up: bool) -> HttpError:
        try:
            until = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.clock() + wait))
        except (OverflowError, OSError, ValueError):  # a server's absurd wait
            until = "a time too far ahead to show"
        if gave_up:
            text = (
                f"{self._origin} is still rate limiting after {self.retry.max_retries} "
                f"retries; try again after {until}"
            )
        else:
            text = (
                f"{self._origin} rate limit: it asks to wait {wait:.0f} s (until {until}), "
                f"longer than the {self.retry.max_wait:.0f} s wabaguard waits; try again then"
            )
        return HttpError("rate-limited", text, status=response.status, headers=response.headers)


def retry_after(response: Response, now: float) -> float | None:
    """``Retry-After`` as seconds from ``now``: delay-seconds or an HTTP date."""
    value = response.header("Retry-After").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - server_now(response, now))


def server_now(response: Response, now: float) -> float:
    """The server's clock from its ``Date`` header (reset times are on its clock), else ours."""
    value = response.header("Date")
    if value:
        try:
            return email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            pass
    return now


def check_base_url(url: str, *, sends_credentials: bool) -> str:
    """The URL's origin, or ``HttpError('config')`` when it cannot be used."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise HttpError("config", "the API URL is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HttpError("config", "the API URL must start with https://")
    if parts.username is not None or parts.password is not None:
        # Never echo it: the user part is where a credential would be.
        raise HttpError("config", "the API URL holds a user name or password; remove it")
    if parts.query or parts.fragment:
        raise HttpError("config", "the API URL must not have a query or fragment")
    host = parts.hostname
    if parts.scheme == "http" and sends_credentials and host not in _LOOPBACK:
        raise HttpError(
            "config", f"refusing to send a token over plain http to {host}; use https://"
        )
    return _origin(parts.scheme, host, port)


def _origin_of(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
        return _origin(parts.scheme, parts.hostname or "", parts.port)
    except ValueError:
        return "an invalid URL"


def _origin(scheme: str, host: str, port: int | None) -> str:
    default = {"http": 80, "https": 443}.get(scheme)
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + (f":{port}" if port is not None and port != default else "")


def _reason(exc: urllib.error.URLError) -> str:
    reason = exc.reason
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError):
        return _os_reason(reason)
    return printable(str(reason))[:120]


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "host name not found"
    text = exc.strerror or type(exc).__name__
    return printable(str(text))[:120]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses: the client decides (same origin only).

    urllib's own handler would forward every header, the credential included, to wherever
    the ``Location`` points.
    """

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    410: "Gone",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
