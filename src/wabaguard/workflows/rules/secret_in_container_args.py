"""Secrets in container-action `args:`/`entrypoint:` or container/service `options:`."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule, what

RULE = rule(
    "secret-in-container-args",
    "Secret in container arguments or options",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Pass the secret through `env:` (the container receives it by name) and let the "
    "program read it from its environment",
)


def _is_container_args(analysis: Analysis, route: tuple[str | int, ...]) -> str:
    last = route[-1] if route else None
    if (
        analysis.wf.is_action
        and len(route) >= 2
        and route[0] == "runs"
        and (route[1] in ("args", "entrypoint", "pre-entrypoint", "post-entrypoint"))
    ):
        runs = analysis.wf.runs
        if runs is not None and (runs.get_str("using") or "").lower() == "docker":
            return f"`runs.{route[1]}` of a Docker action"
    if last in ("args", "entrypoint") and len(route) >= 2 and route[-2] == "with":
        step = _step_uses(analysis, route)
        if step is not None and (step or "").startswith("docker://"):
            return f"`with: {last}` of a `docker://` step"
    if (
        last == "options"
        and len(route) >= 2
        and (route[-2] == "container" or (len(route) >= 3 and route[-3] == "services"))
    ):
        return "container `options:`"
    return ""


def _step_uses(analysis: Analysis, route: tuple[str | int, ...]) -> str | None:
    """``uses:`` of the step owning ``route`` (``…, <step>, "with", "args"``)."""
    owner = route[:-2]
    for facts in analysis.steps_by_route(owner):
        return facts.step.uses
    return None


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for site in analysis.expressions():
        taint = site.info.taint
        if taint is None or taint.dump:
            continue
        where = _is_container_args(analysis, site.route)
        if not where:
            continue
        yield analysis.finding(
            RULE,
            site.node,
            site.span.start,
            site.span.end,
            f"{what(taint)} is placed in {where}, which becomes `docker` command-line "
            "arguments and container configuration",
            site.route,
        )
