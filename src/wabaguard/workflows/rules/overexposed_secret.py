"""A credential in workflow- or job-level ``env:``: every step and action of its scope gets it."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.core.config import Config
from wabaguard.core.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, ExprSite, Finding
from wabaguard.workflows.model import Job
from wabaguard.workflows.rules._common import rule, what
from wabaguard.workflows.taint import Taint

RULE = rule(
    "overexposed-secret",
    "Secret in workflow- or job-level env, handed to every step and action",
    Severity.LOW,
    Confidence.MEDIUM,
    "Move it to the `env:` (or `with:`) of the step that needs it, so other steps and "
    "third-party actions never receive it",
)

# The job token is every action's anyway (`github.token`); the whole context is
# all-secrets-exposed's.
_NOT_HERE = frozenset({"secrets.GITHUB_TOKEN", "github.token", "secrets.*", "secrets[…]"})


def _credential(taint: Taint | None) -> bool:
    return (
        taint is not None
        and not taint.dump
        and bool(taint.sources - _NOT_HERE)
        and not any(s.startswith("inputs.") for s in taint.sources)
    )


def _third_party(job: Job) -> str:
    """The first action of the job that is not GitHub's own or the repository's ("" if none)."""
    for step in job.steps:
        uses = (step.uses or "").strip()
        if uses and not uses.lower().startswith(("actions/", "github/", "./")):
            return uses
    return ""


def _finding(analysis: Analysis, site: ExprSite, taint: Taint, reach: str) -> Finding:
    return analysis.finding(
        RULE,
        site.node,
        site.span.start,
        site.span.end,
        f"{what(taint)} in {reach}",
        site.route,
    )


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    wf = analysis.wf
    if wf.is_action:
        return
    jobs = {job.id: job for job in wf.jobs}
    steps = sum(len(job.steps) for job in wf.jobs) + sum(1 for j in wf.jobs if not j.steps)
    for site in analysis.expressions():
        route, taint = site.route, site.info.taint
        if taint is None or not _credential(taint):
            continue
        if len(route) == 2 and route[0] == "env" and steps > 1:
            yield _finding(
                analysis,
                site,
                taint,
                "the workflow's `env:` reaches every step of every job, third-party actions "
                "included",
            )
        elif len(route) == 4 and route[0] == "jobs" and route[2] == "env":
            job = jobs.get(str(route[1]))
            if job is None or len(job.steps) < 2:
                continue
            action = _third_party(job)
            if action:
                yield _finding(
                    analysis,
                    site,
                    taint,
                    f"the job's `env:` reaches every step of the job, `{action}` included",
                )
