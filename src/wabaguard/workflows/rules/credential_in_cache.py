"""A credential file (or a file a secret was written to) inside a cache ``path:``."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule
from wabaguard.workflows.rules._paths import covers, normalize, path_entries

RULE = rule(
    "credential-in-cache",
    "Credential file saved in a cache",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Cache only package directories (`~/.npm`, `~/.m2/repository`) and supply credentials "
    "at use time through `env:`",
)

# Files and directories where CLIs keep credentials (docs of npm, pip, maven, docker, …).
CREDENTIAL_PATHS = frozenset(
    {"~/.npmrc", ".npmrc", "~/.yarnrc.yml", ".yarnrc.yml", "~/.pypirc", "~/.m2/settings.xml",
     "~/.gradle/gradle.properties", "~/.cargo/credentials", "~/.cargo/credentials.toml",
     "~/.gem/credentials", "~/.composer/auth.json", "~/.config/composer/auth.json",
     "~/.docker", "~/.docker/config.json", "~/.aws", "~/.aws/credentials", "~/.azure",
     "~/.config/gcloud", "~/.kube", "~/.kube/config", "~/.netrc", "~/.git-credentials",
     "~/.ssh", "~", "auth.json", ".git-credentials", ".netrc"}
)  # fmt: skip
_CACHERS = ("actions/cache", "actions/cache/save")


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts in analysis.steps:
        uses = (facts.step.uses or "").lower().split("@", 1)[0]
        if uses not in _CACHERS or facts.step.with_ is None:
            continue
        path_node = facts.step.with_.get("path")
        if path_node is None or not path_node.is_scalar:
            continue
        route = (*facts.step.route, "with", "path")
        for offset, entry in path_entries(path_node.value):
            if entry.startswith("!"):
                continue
            path = normalize(entry)
            detail = ""
            if path in CREDENTIAL_PATHS:
                detail = f"`{entry}` is where credentials are stored"
            else:
                for write in analysis.writes_before(facts):
                    if covers(path, normalize(write.path), hidden_ok=True):
                        detail = f"`{entry}` includes `{write.path}`, written with a secret earlier"
                        break
            if detail:
                yield analysis.finding(
                    RULE,
                    path_node,
                    offset,
                    offset + len(entry),
                    f"{detail}; caches are readable from pull requests and forks",
                    route,
                )
