"""Local stand-ins on 127.0.0.1 for the Graph API and the BSP endpoints ``--verify`` reads.

Answers as the issuers document them:

* Graph API ``debug_token`` (graph-api/reference/debug_token): ``{"data": {"app_id", "type",
  "application", "expires_at", "is_valid", "issued_at", "scopes", "granular_scopes":
  [{"scope", "target_ids"}], "user_id"}}``; errors are HTTP 400 ``{"error": {"message",
  "type": "OAuthException", "code": 190, "error_subcode", "fbtrace_id"}}``
  (graph-api/guides/error-handling); a POST the path does not take is code 100 "Unsupported
  post request"; ``/{waba-id}/phone_numbers`` lists ``{"data": [{"verified_name",
  "display_phone_number", "id", "quality_rating"}], "paging": ...}``; ``/me`` and
  ``/me/permissions`` (``{"data": [{"permission", "status"}]}``);
* MessageBird ``GET /balance`` (``AccessKey``), Infobip ``GET /account/1/balance``
  (``App``), 360dialog ``GET /v1/configs/webhook`` (``D360-API-KEY``): 200, or 401 with
  their documented error bodies;
* Twilio ``GET /2010-04-01/Accounts/{AccountSid}.json`` with HTTP Basic auth (SID, auth
  token): the account resource, or 401 ``{"code": 20003, "message": "Authenticate",
  "more_info", "status"}`` (404 ``code`` 20404 for another account's SID);
* Vonage ``GET /account/get-balance`` with HTTP Basic auth (API key, API secret): ``{"value",
  "autoReload"}``, or 401 with an RFC 7807 body (``type``, ``title``, ``detail``);
* GREEN-API ``GET /waInstance{idInstance}/getStateInstance/{apiTokenInstance}``:
  ``{"stateInstance": ...}``, or 401 for a token that is not the instance's.

``script(path, Reply...)`` serves replies once each before the normal answer (429 with
``Retry-After``, 5xx); ``delay[path]`` makes an answer slow. Every request is recorded
(method, target as sent, headers, body), so tests can assert where a credential went.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VERSION = "v23.0"


@dataclass
class Seen:
    method: str
    path: str
    target: str  # the request target as sent: path and query
    headers: dict[str, str]
    body: str


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def graph_error(code: int, message: str, subcode: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEfGhIjK",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


class FakeIssuers:
    def __init__(self) -> None:
        self.tokens: dict[str, dict[str, Any]] = {}  # active Meta token -> debug_token data
        self.token_errors: dict[str, Reply] = {}  # Meta token -> its error reply
        self.accounts: dict[str, list[dict[str, Any]]] = {}  # WABA id -> phone numbers
        self.refuse_post = False  # debug_token answers a POST with code 100
        self.messagebird_keys: set[str] = set()
        self.infobip_keys: set[str] = set()
        self.d360_keys: set[str] = set()
        self.twilio_accounts: dict[str, str] = {}  # account SID -> its live auth token
        self.vonage_accounts: dict[str, str] = {}  # API key -> its live API secret
        self.green_instances: dict[str, tuple[str, str]] = {}  # id -> (token, state)
        self.scripted: dict[str, list[Reply]] = {}
        self.delay: dict[str, float] = {}
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests being answered at once
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def env(self) -> dict[str, str]:
        """Every issuer's base URL pointed here."""
        names = ("GRAPH", "MESSAGEBIRD", "INFOBIP", "DIALOG360", "TWILIO", "VONAGE", "GREENAPI")
        return {f"WABAGUARD_{name}_API_URL": self.url for name in names}

    def __enter__(self) -> FakeIssuers:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def active(self, token: str, **data: Any) -> None:
        self.tokens[token] = {
            "app_id": "123456789012345",
            "type": "SYSTEM_USER",
            "application": "Acme Messaging",
            "data_access_expires_at": 0,
            "expires_at": 0,
            "is_valid": True,
            "scopes": ["whatsapp_business_management", "whatsapp_business_messaging"],
            "granular_scopes": [],
            "user_id": "100000000000001",
            **data,
        }

    def script(self, path: str, *replies: Reply) -> None:
        self.scripted.setdefault(path, []).extend(replies)

    def seen(self, path: str) -> list[Seen]:
        return [s for s in self.requests if s.path == path]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._serve("GET", "")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                self._serve("POST", self.rfile.read(length).decode("utf-8", "replace"))

            def _serve(self, method: str, body: str) -> None:
                parts = urllib.parse.urlsplit(self.path)
                path = urllib.parse.unquote(parts.path)
                seen = Seen(method, path, self.path, dict(self.headers.items()), body)
                with fake._lock:
                    fake.requests.append(seen)
                    scripted = fake.scripted.get(path)
                    reply = scripted.pop(0) if scripted else None
                    delay = fake.delay.get(path, 0.0)
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    if delay:
                        time.sleep(delay)
                    if reply is None:
                        reply = fake._answer(seen, dict(urllib.parse.parse_qsl(parts.query)))
                finally:
                    with fake._lock:
                        fake.in_flight -= 1
                data = b"" if reply.body is None else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (a timeout test)
                    pass

        return Handler

    # -- the issuers -------------------------------------------------------------------

    def _answer(self, seen: Seen, query: dict[str, str]) -> Reply:
        auth = seen.headers.get("Authorization", "")
        if seen.path == "/balance":
            key = auth.removeprefix("AccessKey ")
            if auth.startswith("AccessKey ") and key in self.messagebird_keys:
                return Reply(200, {"payment": "prepaid", "type": "credits", "amount": 12.5})
            return Reply(
                401,
                {
                    "errors": [
                        {
                            "code": 2,
                            "description": "Request not allowed (incorrect access_key)",
                            "parameter": "access_key",
                        }
                    ]
                },
            )
        if seen.path == "/account/1/balance":
            if auth.startswith("App ") and auth.removeprefix("App ") in self.infobip_keys:
                return Reply(200, {"balance": 47.8, "currency": "EUR"})
            error = {"messageId": "UNAUTHORIZED", "text": "Invalid login details"}
            return Reply(401, {"requestError": {"serviceException": error}})
        if seen.path == "/v1/configs/webhook":
            if seen.headers.get("D360-API-KEY", "") in self.d360_keys:
                return Reply(200, {"url": "https://hooks.example.com/whatsapp"})
            return Reply(401, {"meta": {"success": False, "http_code": 401}})
        if seen.path.startswith("/2010-04-01/Accounts/"):
            return self._twilio(seen.path, auth)
        if seen.path == "/account/get-balance":
            user, password = _basic(auth)
            if user and self.vonage_accounts.get(user) == password:
                return Reply(200, {"value": 10.28, "autoReload": False})
            problem = {
                "type": "https://developer.nexmo.com/api-errors#unauthorized",
                "title": "Unauthorized",
                "detail": "You did not provide correct credentials.",
                "instance": "trace-of-the-request",
            }
            return Reply(401, problem)
        if seen.path.startswith("/waInstance"):
            return self._green(seen.path)
        if seen.path.startswith(f"/{VERSION}/"):
            return self._graph(seen, seen.path[len(VERSION) + 2 :], auth.removeprefix("Bearer "))
        return Reply(404, {"message": "not found"})

    def _green(self, path: str) -> Reply:
        instance, _, rest = path.removeprefix("/waInstance").partition("/")
        method, _, token = rest.partition("/")
        known = self.green_instances.get(instance)
        if method != "getStateInstance" or known is None or known[0] != token:
            return Reply(401, None)
        return Reply(200, {"stateInstance": known[1]})

    def _twilio(self, path: str, auth: str) -> Reply:
        user, password = _basic(auth)
        if not auth.startswith("Basic ") or self.twilio_accounts.get(user) != password:
            return Reply(401, _twilio_error(20003, "Authenticate", 401))
        sid = path.removeprefix("/2010-04-01/Accounts/").removesuffix(".json")
        if sid != user:
            return Reply(404, _twilio_error(20404, "The requested resource was not found", 404))
        account = {
            "sid": sid,
            "friendly_name": "Acme Notifications",
            "status": "active",
            "type": "Full",
            "owner_account_sid": sid,
            "date_created": "Thu, 04 Aug 2022 09:41:12 +0000",
            "uri": f"/2010-04-01/Accounts/{sid}.json",
        }
        return Reply(200, account)

    def _graph(self, seen: Seen, path: str, token: str) -> Reply:
        if token in self.token_errors:
            return self.token_errors[token]
        if path == "debug_token":
            form = dict(urllib.parse.parse_qsl(seen.body))
            if seen.method != "GET" and (self.refuse_post or form.get("method") != "GET"):
                return Reply(
                    400,
                    graph_error(
                        100,
                        "Unsupported post request. Object with ID 'debug_token' does not exist",
                        33,
                    ),
                )
            if token not in self.tokens:
                return Reply(400, graph_error(190, "Invalid OAuth access token data."))
            inspected = form.get("input_token", "")
            data = dict(self.tokens[token])
            if inspected != token:
                data = {"is_valid": False, "error": {"code": 190, "message": "mismatch"}}
            return Reply(200, {"data": data})
        if token not in self.tokens:
            return Reply(400, graph_error(190, "Invalid OAuth access token data."))
        if path == "me":
            return Reply(200, {"id": "100000000000001", "name": "Acme Integration"})
        if path == "me/permissions":
            scopes = self.tokens[token]["scopes"]
            return Reply(200, {"data": [{"permission": p, "status": "granted"} for p in scopes]})
        account, _, edge = path.partition("/")
        if edge == "phone_numbers" and account in self.accounts:
            numbers = [{**n, "quality_rating": "GREEN"} for n in self.accounts[account]]
            return Reply(
                200, {"data": numbers, "paging": {"cursors": {"before": "a", "after": "b"}}}
            )
        return Reply(
            400,
            graph_error(100, f"Unsupported get request. Object with ID '{account}' does not exist"),
        )


def _basic(auth: str) -> tuple[str, str]:
    if not auth.startswith("Basic "):
        return "", ""
    try:
        user, _, password = (
            base64.b64decode(auth.removeprefix("Basic "), validate=True).decode().partition(":")
        )
    except ValueError:
        return "", ""
    return user, password


def _twilio_error(code: int, message: str, status: int) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


@contextlib.contextmanager
def serving(monkeypatch: Any) -> Iterator[FakeIssuers]:
    """The fake issuers, with every WABAGUARD_*_API_URL pointed at them (a pytest
    ``monkeypatch`` undoes it)."""
    with FakeIssuers() as fake:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        yield fake
