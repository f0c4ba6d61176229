"""Small helpers shared by the rule modules."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.findings import Confidence, Kind, Rule, Severity
from wabaguard.workflows.analysis import Analysis, StepFacts
from wabaguard.workflows.model import Route
from wabaguard.workflows.shells.facts import ScriptFacts
from wabaguard.workflows.taint import Taint
from wabaguard.workflows.taint import is_minted_only as is_minted_only


def rule(
    rule_id: str,
    title: str,
    severity: Severity,
    confidence: Confidence,
    fix: str,
    *,
    reports_secret: bool = False,
) -> Rule:
    return Rule(
        rule_id, title, severity, confidence, fix, kind=Kind.WORKFLOW, reports_secret=reports_secret
    )


def scripts(analysis: Analysis) -> Iterator[tuple[StepFacts, ScriptFacts, Route]]:
    """Steps whose ``run:`` was analysed as a shell script, with the route of the script."""
    for facts in analysis.steps:
        if facts.script is not None and facts.step.run is not None:
            yield facts, facts.script, (*facts.step.route, "run")


def is_direct(taint: Taint) -> bool:
    """A registered secret as such: not transformed, not minted here, not an env dump."""
    return not taint.derived and not taint.dump and not taint.minted


def is_derived(taint: Taint) -> bool:
    # Minted values are unmasked-minted-credential's: the most specific rule wins.
    return taint.derived and not taint.dump and not taint.minted


def is_secret(taint: Taint) -> bool:
    """Any secret-bearing value that is neither minted here nor an environment dump."""
    return not taint.dump and not taint.minted


def what(taint: Taint) -> str:
    """A message fragment naming where a value comes from (names only, never values)."""
    names = sorted(s for s in taint.sources if not s.startswith("minted:"))
    minted = sorted(s.split(":", 1)[1] for s in taint.sources if s.startswith("minted:"))
    parts = []
    if names:
        shown = ", ".join(names[:3]) + (f" (+{len(names) - 3} more)" if len(names) > 3 else "")
        parts.append(shown)
    if minted:
        parts.append("a credential minted by " + ", ".join(f"`{m}`" for m in minted[:2]))
    return " and ".join(parts) or "a secret"
