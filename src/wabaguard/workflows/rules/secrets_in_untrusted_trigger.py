"""Secrets in a job that checks out and runs pull-request code under a privileged trigger."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding, StepFacts
from wabaguard.workflows.model import Job, Node, Step
from wabaguard.workflows.rules._common import rule

RULE = rule(
    "secrets-in-untrusted-trigger",
    "Secrets available to pull-request code under a privileged trigger",
    Severity.CRITICAL,
    Confidence.MEDIUM,
    "Build untrusted code in a `pull_request` workflow without secrets; let the privileged "
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
    steps_of: dict[int, list[StepFacts]] = {}
    for facts in analysis.steps:
        steps_of.setdefault(id(facts.job), []).append(facts)
    for job in analysis.wf.jobs:
        hit = _pr_code(job, steps_of.get(id(job), []))
        if hit is None:
            continue
        names = _job_secrets(analysis, job)
        if not names:
            continue
        shown = ", ".join(names[:4]) + (" …" if len(names) > 4 else "")
        detail = f"job `{job.id}` runs pull-request code under `{trigger}` with {shown} available"
        if isinstance(hit, tuple):
            step, value = hit
            yield analysis.finding_at(RULE, value, detail, (*step.route, "with"))
        else:
            yield analysis.finding(
                RULE, hit.facts.run_node, hit.start, hit.end, detail, (*hit.facts.step.route, "run")
            )


@dataclass(frozen=True)
class _ScriptCheckout:
    facts: StepFacts
    start: int
    end: int


def _pr_code(job: Job, steps: list[StepFacts]) -> tuple[Step, Node] | _ScriptCheckout | None:
    """Where PR-controlled code enters the job, if something runs after it."""
    checkout = _pr_checkout(job)
    if checkout is not None:
        index, value = checkout
        # The checkout alone runs nothing; a later script or local action does.
        if any(
            s.index > index and (s.run is not None or (s.uses or "").startswith("./"))
            for s in job.steps
        ):
            step = next(s for s in job.steps if s.index == index)
            return step, value
        return None
    for facts in steps:
        if facts.script is None:
            continue
        for marker in facts.script.markers:
            if marker.kind == "pr-checkout":  # `gh pr checkout` then runs in the same script
                return _ScriptCheckout(facts, marker.start, marker.end)
    return None


def _job_secrets(analysis: Analysis, job: Job) -> list[str]:
    names = set(analysis.secrets_by_job().get(job.id, frozenset()))
    if job.node.get_str("secrets") == "inherit":
        names.add("all secrets (`secrets: inherit`)")
    return sorted(names)
