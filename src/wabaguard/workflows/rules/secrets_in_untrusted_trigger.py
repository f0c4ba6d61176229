"""Secrets in a job that checks out and runs pull-request code under a privileged trigger."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.model import Job, Node
from wabaguard.workflows.rules._common import rule

RULE = rule(
    "secrets-in-untrusted-trigger",
    "Secrets available to pull-request code under a privileged trigger",
    Severity.CRITICAL,
    Confidence.MEDIUM,
    "build untrusted code in a `pull_request` workflow without secrets; let the privileged "
    "workflow consume only its results, behind an `environment:` with reviewers",
)

_PRIVILEGED = frozenset(
    {"pull_request_target", "workflow_run", "issue_comment", "pull_request_review",
     "pull_request_review_comment"}
)  # fmt: skip
_PR_REFS = (
    "pull_request.head.sha", "pull_request.head.ref", "github.head_ref", "refs/pull/",
    "workflow_run.head_sha", "workflow_run.head_branch", "head.repo.full_name",
    "pull_request.merge_commit_sha", "issue.number",
)  # fmt: skip


def _pr_checkout(job: Job) -> tuple[int, Node] | None:
    for step in job.steps:
        if not (step.uses or "").lower().startswith("actions/checkout") or step.with_ is None:
            continue
        for key in ("ref", "repository"):
            value = step.with_.get(key)
            if (
                value is not None
                and value.is_scalar
                and any(marker in value.value for marker in _PR_REFS)
            ):
                return step.index, value
        unsafe = step.with_.get("allow-unsafe-pr-checkout")
        if unsafe is not None and unsafe.is_scalar and unsafe.value.lower() == "true":
            return step.index, unsafe
    return None


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    triggers = analysis.wf.triggers & _PRIVILEGED
    if not triggers:
        return
    trigger = sorted(triggers)[0]
    for job in analysis.wf.jobs:
        checkout = _pr_checkout(job)
        marker_site = None
        if checkout is None:
            for facts in analysis.steps:
                if facts.job is not job or facts.script is None:
                    continue
                marker = next((m for m in facts.script.markers if m.kind == "pr-checkout"), None)
                if marker is not None:
                    marker_site = (facts, marker)
                    break
            if marker_site is None:
                continue
        index = checkout[0] if checkout is not None else marker_site[0].step.index  # type: ignore[index]
        runs_later = (
            any(
                s.index > index and (s.run is not None or (s.uses or "").startswith("./"))
                for s in job.steps
            )
            or marker_site is not None
        )
        if not runs_later:
            continue
        names = _job_secrets(analysis, job)
        if not names:
            continue
        shown = ", ".join(names[:4]) + (" …" if len(names) > 4 else "")
        detail = f"job `{job.id}` runs pull-request code under `{trigger}` with {shown} available"
        if checkout is not None:
            step = job.steps[[s.index for s in job.steps].index(checkout[0])]
            yield analysis.finding_at(RULE, checkout[1], detail, (*step.route, "with"))
        elif marker_site is not None:
            facts, marker = marker_site
            yield analysis.finding(
                RULE,
                facts.run_node,
                marker.start,
                marker.end,
                detail,
                (*facts.step.route, "run"),
            )


def _job_secrets(analysis: Analysis, job: Job) -> list[str]:
    names: set[str] = set()
    if job.node.get_str("secrets") == "inherit":
        names.add("all secrets (`secrets: inherit`)")
    for site in analysis.expressions():
        in_job = site.route[: len(job.route)] == job.route
        in_wf_env = bool(site.route) and site.route[0] == "env"
        if not (in_job or in_wf_env) or site.info.taint is None:
            continue
        for source in site.info.taint.sources:
            if source.startswith("secrets") and source.lower() != "secrets.github_token":
                names.add(source)
    return sorted(names)
