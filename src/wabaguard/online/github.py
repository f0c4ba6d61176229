"""A small GitHub REST client: secret metadata, environments, repositories.

Only what the rotation check reads, all of it ``GET`` and all of it metadata: GitHub never
returns a secret's value through these endpoints. The token comes from the environment
(``WABAGUARD_GITHUB_TOKEN``, else ``GH_TOKEN``, else ``GITHUB_TOKEN``), goes only into the
``Authorization`` header, and only to the API's origin (``wabaguard.online.http``).

Pagination follows ``Link: <…>; rel="next"`` (``per_page=100``). Rate limits: GitHub answers
403 or 429, with ``Retry-After``, or with ``X-RateLimit-Remaining: 0`` and
``X-RateLimit-Reset`` (epoch seconds, on the server's clock), or only with a message about a
secondary rate limit (then the documented minute).

Errors are ``GitHubError``: one line naming what was read, what went wrong and, for a 403,
the permission that is missing (GitHub's own ``X-Accepted-GitHub-Permissions`` when it sends
it, else the documented one).
"""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from wabaguard import __version__
from wabaguard.online.http import HttpClient, HttpError, Response, RetryPolicy, server_now

DEFAULT_API_URL = "https://api.github.com"
TOKEN_VARIABLES = ("WABAGUARD_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN")
API_VERSION = "2022-11-28"
MAX_PAGES = 1000  # 100 000 items: far beyond any real listing, short of an endless loop

# What each listing needs, as GitHub's REST docs state it for fine-grained tokens and GitHub
# Apps. Used in a 403's message when GitHub does not say itself.
PERMISSIONS = {
    "repository": '"Metadata" repository permission (read)',
    "repo-secrets": '"Secrets" repository permission (read)',
    "repo-org-secrets": '"Secrets" repository permission (read)',
    "environments": '"Actions" repository permission (read)',
    "environment-secrets": '"Environments" and "Secrets" repository permissions (read)',
    "dependabot": '"Dependabot secrets" repository permission (read)',
    "org-secrets": '"Secrets" organization permission (read)',
    "org-dependabot": '"Dependabot secrets" organization permission (read)',
    "org-repos": '"Metadata" repository permission (read), for every repository',
}
ACTIONS_TOKEN_NOTE = (
    "the GITHUB_TOKEN Actions gives a workflow cannot list secrets: use a fine-grained token "
    "or a GitHub App token"
)


class GitHubError(Exception):
    """A GitHub request that failed; ``message`` is one line, fit to print."""

    def __init__(self, kind: str, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.kind = kind  # HttpError.kind
        self.message = message
        self.status = status

    @property
    def stops_everything(self) -> bool:
        """No later request can succeed: a rejected token, no network, a rate limit."""
        return self.kind in ("auth", "network", "timeout", "rate-limited", "config")


@dataclass(frozen=True)
class SecretMeta:
    """A secret as GitHub lists it: never its value."""

    name: str
    created_at: str
    updated_at: str
    visibility: str = ""  # organisation secrets: all, private or selected


@dataclass(frozen=True)
class Token:
    value: str
    variable: str  # the environment variable it came from


def token_from_env(env: Mapping[str, str]) -> Token | None:
    for name in TOKEN_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            return Token(value, name)
    return None


def api_url_from(option: str | None, env: Mapping[str, str]) -> str:
    return (option or env.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL).rstrip("/")


class GitHub:
    def __init__(
        self,
        api_url: str,
        token: Token,
        *,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        try:
            self.http = HttpClient(
                api_url,
                headers={
                    "Accept": "application/vnd.github+json",
                    "X-GitHub-Api-Version": API_VERSION,
                    "User-Agent": f"wabaguard/{__version__}",
                },
                secret_headers={"Authorization": f"Bearer {token.value}"},
                timeout=timeout,
                retry=retry or RetryPolicy(),
                rate_limit_hint=github_rate_limit_wait,
                sleep=sleep,
                clock=clock,
            )
        except HttpError as exc:
            raise GitHubError(exc.kind, f"--api-url / GITHUB_API_URL: {exc.message}") from None

    # -- listings -------------------------------------------------------------------------

    def repository(self, owner: str, repo: str) -> dict[str, Any]:
        what = f"repository {owner}/{repo}"
        data, _ = self._get(self.http.url(_path("repos", owner, repo)), what, "repository")
        if not isinstance(data, dict):
            raise _unexpected(what)
        return data

    def repo_secrets(self, owner: str, repo: str) -> list[SecretMeta]:
        return self._secrets(
            _path("repos", owner, repo, "actions", "secrets"),
            f"Actions secrets of {owner}/{repo}",
            "repo-secrets",
        )

    def repo_org_secrets(self, owner: str, repo: str) -> list[SecretMeta]:
        return self._secrets(
            _path("repos", owner, repo, "actions", "organization-secrets"),
            f"organisation secrets visible to {owner}/{repo}",
            "repo-org-secrets",
        )

    def environments(self, owner: str, repo: str) -> list[str]:
        what = f"environments of {owner}/{repo}"
        names = []
        for item in self._paginate(
            _path("repos", owner, repo, "environments"), what, "environments", "environments"
        ):
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str) or not name:
                raise _unexpected(what)
            names.append(name)
        return names

    def environment_secrets(self, owner: str, repo: str, environment: str) -> list[SecretMeta]:
        return self._secrets(
            _path("repos", owner, repo, "environments", environment, "secrets"),
            f"secrets of environment {environment!r} of {owner}/{repo}",
            "environment-secrets",
        )

    def dependabot_secrets(self, owner: str, repo: str) -> list[SecretMeta]:
        return self._secrets(
            _path("repos", owner, repo, "dependabot", "secrets"),
            f"Dependabot secrets of {owner}/{repo}",
            "dependabot",
        )

    def org_secrets(self, org: str) -> list[SecretMeta]:
        return self._secrets(
            _path("orgs", org, "actions", "secrets"),
            f"Actions secrets of organisation {org}",
            "org-secrets",
        )

    def org_dependabot_secrets(self, org: str) -> list[SecretMeta]:
        return self._secrets(
            _path("orgs", org, "dependabot", "secrets"),
            f"Dependabot secrets of organisation {org}",
            "org-dependabot",
        )

    def org_repositories(self, org: str) -> list[str]:
        """``owner/name`` of every repository of the organisation the token can see."""
        what = f"repositories of organisation {org}"
        names = []
        for item in self._paginate(_path("orgs", org, "repos"), what, "org-repos", None):
            full = item.get("full_name") if isinstance(item, dict) else None
            if not isinstance(full, str) or full.count("/") != 1:
                raise _unexpected(what)
            names.append(full)
        return names

    # -- plumbing -------------------------------------------------------------------------

    def _secrets(self, path: str, what: str, endpoint: str) -> list[SecretMeta]:
        out = []
        for item in self._paginate(path, what, endpoint, "secrets"):
            if not isinstance(item, dict):
                raise _unexpected(what)
            name, created, updated = (item.get(k) for k in ("name", "created_at", "updated_at"))
            if not isinstance(name, str) or not name or not isinstance(updated, str):
                raise _unexpected(what)
            visibility = item.get("visibility")
            out.append(
                SecretMeta(
                    name,
                    created if isinstance(created, str) else "",
                    updated,
                    visibility if isinstance(visibility, str) else "",
                )
            )
        return out

    def _paginate(
        self, path: str, what: str, endpoint: str, key: str | None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a listing: ``{"total_count": n, key: [...]}`` pages, or bare arrays
        when ``key`` is None, following ``rel="next"`` links."""
        url: str | None = self.http.url(path, {"per_page": 100})
        seen: set[str] = set()
        while url is not None:
            if url in seen or len(seen) >= MAX_PAGES:
                raise GitHubError("protocol", f"{what}: the pagination links do not end")
            seen.add(url)
            data, response = self._get(url, what, endpoint)
            items = data if key is None else (data.get(key) if isinstance(data, dict) else None)
            if not isinstance(items, list):
                raise _unexpected(what)
            yield from items
            url = next_link(response)

    def _get(self, url: str, what: str, endpoint: str) -> tuple[Any, Response]:
        try:
            return self.http.get_json(url)
        except HttpError as exc:
            raise self._explain(exc, what, endpoint) from None

    def _explain(self, exc: HttpError, what: str, endpoint: str) -> GitHubError:
        source = f"the token in {self.token.variable}"
        if exc.kind == "auth":
            text = (
                f"{what}: 401 Unauthorized: GitHub rejected {source} (expired, revoked or mistyped)"
            )
        elif exc.kind == "forbidden":
            wanted = exc.headers.get("x-accepted-github-permissions", "").strip()
            needs = (
                f"GitHub says it needs {_printable_header(wanted)}"
                if wanted
                else f"it needs the {PERMISSIONS[endpoint]}"
            )
            said = f" ({exc.server_message})" if exc.server_message else ""
            text = f"{what}: 403 Forbidden{said}: {source} cannot read them; {needs}"
            if endpoint != "repository":
                text = f"{text}; {ACTIONS_TOKEN_NOTE}"
        elif exc.kind == "not-found":
            text = (
                f"{what}: 404 Not Found: it does not exist, or {source} cannot see it "
                "(GitHub answers 404 for private resources a token has no access to)"
            )
        else:
            text = f"{what}: {exc.message}"
        return GitHubError(exc.kind, self.http.scrub(text), exc.status)


def github_rate_limit_wait(response: Response, now: float) -> float | None:
    """Seconds to wait when ``response`` is one of GitHub's rate-limit answers, else None."""
    if response.status not in (403, 429):
        return None
    after = response.header("Retry-After").strip()
    if after.isdigit():
        return float(after)
    if response.header("X-RateLimit-Remaining").strip() == "0":
        reset = response.header("X-RateLimit-Reset").strip()
        if reset.isdigit():
            return max(0.0, int(reset) - server_now(response, now))
        return 60.0
    if b"rate limit" in response.body[:4096].lower() or response.status == 429:
        return 60.0  # a secondary rate limit without headers: "wait at least one minute"
    return None


def next_link(response: Response) -> str | None:
    """The ``rel="next"`` target of a ``Link`` header (RFC 8288), resolved against the page."""
    for link in response.header("Link").split(","):
        target, _, params = link.partition(";")
        target = target.strip()
        if not (target.startswith("<") and target.endswith(">")):
            continue
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "rel" and "next" in value.strip().strip('"').split():
                return urllib.parse.urljoin(response.url, target[1:-1])
    return None


def _path(*segments: str) -> str:
    # Environment names may hold "/" and spaces: every segment is escaped whole.
    return "/".join(urllib.parse.quote(s, safe="") for s in segments)


def _unexpected(what: str) -> GitHubError:
    return GitHubError("protocol", f"{what}: GitHub's answer does not have the documented shape")


_HEADER_UNSAFE = re.compile(r"[^A-Za-z0-9_=,; -]")


def _printable_header(value: str) -> str:
    return _HEADER_UNSAFE.sub("?", value[:200])
