"""Verbose or trace modes of HTTP clients and CLIs that handle credentials."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.model import EnvEntry
from wabaguard.workflows.rules._common import rule, scripts
from wabaguard.workflows.shells.bash.programs import verbose_env

RULE = rule(
    "verbose-client-with-secrets",
    "Verbose client logs credentials",
    Severity.MEDIUM,
    Confidence.MEDIUM,
    "Drop the verbose/trace flag (use `curl -sS --fail-with-body`); debug locally, not in CI "
    "with real credentials",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for hit in script.verbose:
            yield analysis.finding(
                RULE,
                facts.run_node,
                hit.start,
                hit.end,
                f"`{hit.flag}` makes `{hit.command}` log request headers, where credentials travel",
                route,
            )
    # GIT_TRACE_CURL=1, TF_LOG=TRACE… in an `env:` block, with secrets in the same scope.
    reported: set[int] = set()
    for facts in analysis.steps:
        if not facts.secrets_in_scope:
            continue
        entries: list[EnvEntry] = [*analysis.wf.env, *facts.job.env, *facts.step.env]
        for entry in entries:
            if id(entry.key) in reported or not verbose_env(entry.name, entry.value.value):
                continue
            reported.add(id(entry.key))
            yield analysis.finding_at(
                RULE,
                entry.key,
                f"`{entry.name}: {entry.value.value}` makes clients log HTTP traffic while "
                "secrets are in the environment",
                entry.route,
            )
