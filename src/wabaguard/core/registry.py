"""The one list of every rule wabaguard knows, across capabilities. Ids are unique and
permanent; ``rules``, ``explain``, the reporters and the docs tests all read it here.

The core imports no capability: each capability names a function that lists its rules, and
the registry imports it by name, on first use, in this order (the order of ``wabaguard
rules`` and of SARIF's rule table).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

from wabaguard.core.findings import Rule
from wabaguard.core.suppressions import INVALID_SUPPRESSION

RULE_SOURCES = (
    "wabaguard.credentials.detectors:all_rules",
    "wabaguard.workflows:all_rules",
    "wabaguard.webhooks:all_rules",
    "wabaguard.credentials.builtin:builtin_rules",
    "wabaguard.online.rules:online_rules",  # rule data only: no network code is imported
)


def _load(source: str) -> Callable[[], tuple[Rule, ...]]:
    module, _, name = source.partition(":")
    found: Callable[[], tuple[Rule, ...]] = getattr(importlib.import_module(module), name)
    return found


@cache
def all_rules() -> tuple[Rule, ...]:
    rules = (
        *(rule for source in RULE_SOURCES for rule in _load(source)()),
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
