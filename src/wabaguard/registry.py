"""The explicit list of every rule wabaguard knows. Ids are unique and permanent."""

from __future__ import annotations

from functools import cache

from wabaguard.findings import Rule


@cache
def all_rules() -> tuple[Rule, ...]:
    from wabaguard import detectors, webhooks, workflows
    from wabaguard.builtin import builtin_rules
    from wabaguard.suppressions import INVALID_SUPPRESSION

    rules = (
        *detectors.all_rules(),
        *workflows.all_rules(),
        *webhooks.all_rules(),
        *builtin_rules(),
        INVALID_SUPPRESSION,
    )
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuntimeError(f"duplicate rule id {rule.id}")  # a programming error
        seen.add(rule.id)
    return rules


def rule_ids() -> frozenset[str]:
    return frozenset(rule.id for rule in all_rules())


def get_rule(rule_id: str) -> Rule | None:
    for rule in all_rules():
        if rule.id == rule_id:
            return rule
    return None
