"""``wabaguard rotation``: read the credentials' dates, then apply the policy.

GitHub is asked only when a repository or organisation is named (``--repo``, ``--org``);
``--inventory`` alone reads the config and nothing else. The command line never carries the
token: an argument that looks like one (or an option named for one) is refused, with the
reason, before anything else happens.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wabaguard.core.config import Config
from wabaguard.core.findings import ScanError
from wabaguard.online.rotation import (
    Credential,
    Outcome,
    RotationError,
    RotationPolicy,
    evaluate,
    inventory_credentials,
)


@dataclass
class Collected:
    credentials: list[Credential] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    listings: int = 0  # secret listings read in full


def collect_github(
    github: Any,  # wabaguard.online.github.GitHub; Any so that importing this stays cheap
    repos: Sequence[str],
    org: str | None,
    all_repos: bool,
) -> Collected:
    """Every secret's metadata in the targets. A listing that fails is an error and the
    others go on; after a failure no later request can survive (a rejected token, the
    network, a rate limit), nothing more is asked."""
    collector = _Collector(github)
    out = collector.out
    try:
        for full in repos:
            collector.repository(full, org_visible=True)
        if org:
            collector.organisation(org, all_repos)
    except _Stop:
        if out.listings:  # a partial report: say why it ends here
            last = out.errors[-1]
            out.errors[-1] = ScanError(last.path, f"{last.message}; nothing more was asked")
    out.credentials = _once(out.credentials)
    return out


class _Collector:
    def __init__(self, github: Any) -> None:
        self.github = github
        self.out = Collected()

    def read(self, label: str, listing: Callable[[], Any]) -> Any:
        from wabaguard.online.github import GitHubError

        try:
            return listing()
        except GitHubError as exc:
            self.out.errors.append(ScanError(label, exc.message))
            if exc.stops_everything:
                raise _Stop from None
            return None

    def secrets(
        self, label: str, scope: str, owner: str, listing: Callable[[], Any], env: str = ""
    ) -> None:
        found = self.read(label, listing)
        if found is None:
            return
        self.out.listings += 1
        self.out.credentials.extend(
            Credential(s.name, scope, owner, env, s.updated_at, s.created_at, s.visibility)
            for s in found
        )

    def repository(self, full: str, *, org_visible: bool) -> None:
        github = self.github
        owner, name = full.split("/")
        owner_type = ""
        if org_visible:  # whose is it? Only an organisation's repository sees org secrets
            info = self.read(full, lambda: github.repository(owner, name))
            if info is None:
                return  # not there, or not visible: its listings would fail the same way
            owner_type = str((info.get("owner") or {}).get("type", ""))
        self.secrets(f"{full}: repo", "repo", full, lambda: github.repo_secrets(owner, name))
        environments = self.read(f"{full}: environments", lambda: github.environments(owner, name))
        for env in environments or ():
            self.secrets(
                f"{full}: environment {env}",
                "environment",
                full,
                functools.partial(github.environment_secrets, owner, name, env),
                env,
            )
        if owner_type == "Organization":
            self.secrets(f"{full}: org", "org", owner, lambda: github.repo_org_secrets(owner, name))
        self.secrets(
            f"{full}: dependabot",
            "dependabot",
            full,
            lambda: github.dependabot_secrets(owner, name),
        )

    def organisation(self, org: str, all_repos: bool) -> None:
        github = self.github
        self.secrets(f"{org}: org", "org", org, lambda: github.org_secrets(org))
        self.secrets(
            f"{org}: org dependabot",
            "org-dependabot",
            org,
            lambda: github.org_dependabot_secrets(org),
        )
        if all_repos:
            listed = self.read(f"{org}: repositories", lambda: github.org_repositories(org))
            for full in listed or ():
                self.repository(full, org_visible=False)


def _once(credentials: list[Credential]) -> list[Credential]:
    """An org secret seen from several repositories (and from the org) is one credential;
    the organisation's own listing, which names its visibility, wins."""
    kept: dict[tuple[str, str, str, str], Credential] = {}
    for cred in credentials:
        key = (cred.scope, cred.owner.lower(), cred.environment, cred.name.upper())
        if key not in kept or (cred.visibility and not kept[key].visibility):
            kept[key] = cred
    return list(kept.values())


class _Stop(Exception):
    """A failure after which no request can succeed: stop asking."""


# -- credentials on the command line ----------------------------------------------------

# Known token formats (GitHub's documented prefixes, Meta's EAA tokens), and the generic
# shape of a random token: long, one "word", mixed case and digits, or long hex.
_TOKEN_SHAPES = re.compile(
    r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}|EAA[A-Za-z0-9]{30,})"
)
_WORD = re.compile(r"[A-Za-z0-9_+=-]{32,}")
_HEX = re.compile(r"[0-9a-fA-F]{32,}")
TOKEN_OPTIONS = frozenset(
    {"--token", "--github-token", "--gh-token", "--access-token", "--auth", "--pat", "-t"}
)
TOKEN_REFUSED = (
    "refusing a token on the command line: arguments end up in shell history, process "
    "listings and CI logs, the very leak wabaguard looks for. Put it in the "
    "WABAGUARD_GITHUB_TOKEN environment variable (or GH_TOKEN, GITHUB_TOKEN); in a workflow, "
    "pass it through env:"
)


def looks_like_token(value: str) -> bool:
    if _TOKEN_SHAPES.search(value):
        return True
    for word in re.split(r"[\s/:@?&#,]+", value):
        if _HEX.fullmatch(word) and sum(c.isdigit() for c in word) >= 8:
            return True
        if (
            _WORD.fullmatch(word)
            and any(c.islower() for c in word)
            and any(c.isupper() for c in word)
            and any(c.isdigit() for c in word)
        ):
            return True
    return False


def refuse_credentials_in_arguments(
    values: Iterable[str], extra: Sequence[str], names: Iterable[str] = ()
) -> None:
    """``RotationError`` when an argument looks like (or is named as) a token, or is not
    an option of the command (shown by name only: it may be a credential).

    ``names`` (repository and organisation names) are held to the known token formats only:
    a long mixed-case repository name is not a random token."""
    for item in extra:
        name = item.partition("=")[0]
        if name in TOKEN_OPTIONS or looks_like_token(item):
            raise RotationError(TOKEN_REFUSED)
    for value in values:
        if looks_like_token(value):
            raise RotationError(TOKEN_REFUSED)
    for value in names:
        if _TOKEN_SHAPES.search(value):
            raise RotationError(TOKEN_REFUSED)
    for item in extra:
        if item.startswith("-"):
            raise RotationError(f"no such option: {item.partition('=')[0][:40]}")
        raise RotationError(
            "unexpected argument (not shown: it may be a credential); "
            "name what to check with --repo OWNER/NAME, --org ORG or --inventory"
        )


def _shown(value: str) -> str:
    """A bad target as the message shows it: not at all when it could be a credential."""
    return "(not shown: it may be a credential)" if looks_like_token(value) else repr(value[:80])


_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_ORG = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")


def check_targets(repos: Sequence[str], org: str | None, inventory: bool, all_repos: bool) -> None:
    for repo in repos:
        if not _REPO.fullmatch(repo) or repo.split("/")[1] in (".", ".."):
            raise RotationError(f"--repo {_shown(repo)}: expected OWNER/NAME")
    if org is not None and not _ORG.fullmatch(org):
        raise RotationError(f"--org {_shown(org)}: expected an organisation's login")
    if all_repos and org is None:
        raise RotationError("--all-repos needs --org ORG")
    if not repos and org is None and not inventory:
        raise RotationError(
            "say what to check: --repo OWNER/NAME, --org ORG, or --inventory (the config's "
            "rotation.inventory, no network)"
        )


# -- the command ------------------------------------------------------------------------


def run(
    *,
    repos: Sequence[str],
    org: str | None,
    all_repos: bool,
    inventory: bool,
    check_all: bool,
    policy: RotationPolicy,
    now: dt.datetime,
    config: Config,
    env: Mapping[str, str],
    api_url: str | None,
    known_rules: Callable[[], frozenset[str]],
) -> Outcome:
    """Collect (GitHub only when a repository or organisation is named) and evaluate.

    ``RotationError`` when nothing could be read at all; a listing that fails after others
    were read is an error in the outcome, beside the findings.
    """
    check_targets(repos, org, inventory, all_repos)
    credentials: list[Credential] = []
    errors: list[ScanError] = []
    targets: list[str] = []
    if repos or org:
        from wabaguard.online.github import GitHub, GitHubError, api_url_from, token_from_env

        token = token_from_env(env)
        if token is None:
            raise RotationError(
                "no GitHub token: set WABAGUARD_GITHUB_TOKEN (or GH_TOKEN, GITHUB_TOKEN) to a "
                'fine-grained token or GitHub App token with the "Secrets" read permission; '
                "the GITHUB_TOKEN Actions gives a workflow cannot list secrets"
            )
        try:
            github = GitHub(api_url_from(api_url, env), token)
        except GitHubError as exc:
            raise RotationError(exc.message) from None
        collected = collect_github(github, repos, org, all_repos)
        if collected.listings == 0 and collected.errors:
            raise RotationError(collected.errors[0].message)
        credentials.extend(collected.credentials)
        errors.extend(collected.errors)
        targets.extend(repos)
        if org:
            targets.append(f"org {org}" + (" and its repositories" if all_repos else ""))
    if inventory:
        if not policy.inventory:
            raise RotationError(
                "--inventory: the config has no rotation.inventory table "
                "(NAME = last rotation date, e.g. WHATSAPP_TOKEN = 2026-09-30)"
            )
        credentials.extend(inventory_credentials(policy))
        targets.append("inventory")
    return evaluate(
        credentials,
        errors,
        policy=policy,
        today=now.date(),
        config=config,
        check_all=check_all,
        targets=tuple(targets),
        known_rules=known_rules,
    )
