"""A local stand-in for GitHub's REST API, on 127.0.0.1, answering as the docs say.

The response shapes are those of GitHub's REST reference ("List repository secrets",
"List environment secrets", "List repository organization secrets", "List organization
secrets", "List Dependabot secrets", "List repository environments", "Get a repository",
"List organization repositories"): listings are ``{"total_count": n, "<key>": [...]}`` pages
(a bare array for repositories), paginated by ``page``/``per_page`` with a ``Link`` header
(``rel="next"``, ``rel="last"``, absolute URLs); errors are ``{"message": ...,
"documentation_url": ...}`` with 401/403/404; rate limits are 403 or 429 with
``Retry-After`` or ``X-RateLimit-Remaining: 0`` and ``X-RateLimit-Reset``.

Every request is recorded (path, query, headers), so tests can assert where the token went.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DOCS = "https://docs.github.com/rest"

# "Today" for every rotation test (the hidden --now option), so ages and due dates are exact.
TODAY = dt.date(2026, 12, 7)
NOW = TODAY.isoformat()


def ago(days: int, hour: int = 12) -> str:
    """GitHub's timestamp for ``days`` before TODAY."""
    day = TODAY - dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw_target: str  # the request target as sent (path and query)


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Listing:
    field: str | None  # the page's member holding the items; None: a bare array
    items: list[Any]


class FakeGitHub:
    """``routes`` maps a path (``/repos/acme/app/actions/secrets``) to a listing or an
    object; ``scripted`` maps a path to replies served (once each) before the route."""

    def __init__(self, token: str, *, page_size: int | None = None) -> None:
        self.token = token
        self.page_size = page_size  # overrides per_page, to force pagination
        self.routes: dict[str, Listing | dict[str, Any]] = {}
        self.scripted: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self.link_origin = ""  # "" = this server; else next links point there
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- setup ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def repository(self, full: str, owner_type: str = "Organization") -> None:
        self.routes[f"/repos/{full}"] = repo_object(full, owner_type)

    def secrets(self, path: str, *items: dict[str, Any]) -> None:
        self.routes[path] = Listing("secrets", list(items))

    def environments(self, full: str, *names: str) -> None:
        self.routes[f"/repos/{full}/environments"] = Listing(
            "environments", [environment_object(full, n, i) for i, n in enumerate(names, 1)]
        )

    def org_repositories(self, org: str, *fulls: str) -> None:
        self.routes[f"/orgs/{org}/repos"] = Listing(None, [repo_object(f) for f in fulls])

    def script(self, path: str, *replies: Reply) -> None:
        self.scripted.setdefault(path, []).extend(replies)

    def paths(self) -> list[str]:
        return [s.path for s in self.requests]

    # -- serving ----------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                path = urllib.parse.unquote(parts.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                with fake._lock:
                    fake.requests.append(Seen(path, query, dict(self.headers.items()), self.path))
                    scripted = fake.scripted.get(path)
                    reply = scripted.pop(0) if scripted else None
                if reply is None:
                    reply = fake._answer(path, query, self.headers)
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                body = b"" if reply.body is None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                headers = {
                    "Content-Type": "application/json; charset=utf-8",
                    "Date": email.utils.formatdate(time.time(), usegmt=True),
                    "X-GitHub-Api-Version-Selected": "2022-11-28",
                    **reply.headers,
                }
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def _answer(self, path: str, query: Mapping[str, str], headers: Any) -> Reply:
        if headers.get("Authorization") != f"Bearer {self.token}":
            return Reply(401, {"message": "Bad credentials", "documentation_url": DOCS})
        route = self.routes.get(path)
        if route is None:
            return Reply(404, {"message": "Not Found", "documentation_url": DOCS})
        if isinstance(route, dict):
            return Reply(200, route)
        per_page = self.page_size or min(int(query.get("per_page", "30")), 100)
        page = int(query.get("page", "1"))
        pages = max(1, -(-len(route.items) // per_page))
        chunk = route.items[(page - 1) * per_page : page * per_page]
        body: Any = (
            chunk if route.field is None else {"total_count": len(route.items), route.field: chunk}
        )
        links = []
        origin = self.link_origin or self.url
        for rel, number in (("prev", page - 1), ("next", page + 1), ("last", pages), ("first", 1)):
            if 1 <= number <= pages and number != page:
                q = urllib.parse.urlencode(
                    {"per_page": query.get("per_page", "30"), "page": number}
                )
                links.append(f'<{origin}{urllib.parse.quote(path)}?{q}>; rel="{rel}"')
        return Reply(200, body, {"Link": ", ".join(links)} if links else {})


def repo_object(full: str, owner_type: str = "Organization") -> dict[str, Any]:
    owner, name = full.split("/")
    return {
        "id": abs(hash(full)) % 10**9,
        "node_id": "R_kgDOfake",
        "name": name,
        "full_name": full,
        "private": True,
        "owner": {"login": owner, "id": 1, "type": owner_type},
        "html_url": f"https://github.com/{full}",
        "archived": False,
    }


def environment_object(full: str, name: str, number: int) -> dict[str, Any]:
    return {
        "id": 161088068 + number,
        "node_id": "MDExOkVudmlyb25tZW50MTYxMDg4MDY4",
        "name": name,
        "url": f"https://api.github.com/repos/{full}/environments/{urllib.parse.quote(name)}",
        "html_url": f"https://github.com/{full}/deployments/activity_log?environments_filter={name}",
        "created_at": "2020-11-23T22:00:40Z",
        "updated_at": "2020-11-23T22:00:40Z",
        "protection_rules": [],
        "deployment_branch_policy": None,
    }


def secret(
    name: str, updated: str, created: str = "2019-08-10T14:59:22Z", **extra: str
) -> dict[str, Any]:
    return {"name": name, "created_at": created, "updated_at": updated, **extra}


def org_secret(name: str, updated: str, visibility: str = "all") -> dict[str, Any]:
    item = secret(name, updated, visibility=visibility)
    if visibility == "selected":
        item["selected_repositories_url"] = (
            f"https://api.github.com/orgs/acme/actions/secrets/{name}/repositories"
        )
    return item


def rate_limited(status: int = 403, **headers: str) -> Reply:
    return Reply(
        status,
        {"message": "API rate limit exceeded for user ID 1.", "documentation_url": DOCS},
        {"X-RateLimit-Limit": "5000", "X-RateLimit-Used": "5000", **headers},
    )


def iter_header_values(fake: FakeGitHub) -> Iterator[tuple[str, str, str]]:
    """(path, header name, value) for every header of every request."""
    for seen in fake.requests:
        for name, value in seen.headers.items():
            yield seen.path, name, value
