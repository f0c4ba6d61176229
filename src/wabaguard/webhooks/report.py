"""From a file to its webhook findings: front-end, analysis, rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wabaguard.core.findings import Confidence, Rule, Severity
from wabaguard.webhooks import WebhookError, is_test_path
from wabaguard.webhooks.analysis import Analysis, Hit
from wabaguard.webhooks.model import Module
from wabaguard.webhooks.rules import MODULES
from wabaguard.webhooks.rules._common import fix_note

if TYPE_CHECKING:
    from wabaguard.core.config import Config
    from wabaguard.webhooks.imports import Tree


@dataclass(frozen=True)
class WebhookFinding:
    rule: Rule
    line: int
    column: int
    end_line: int
    end_column: int
    detail: str
    identity: str
    confidence: Confidence | None = None
    notes: tuple[str, ...] = ()
    properties: dict[str, object] = field(default_factory=dict)
    secret: str = field(default="", repr=False)  # raw: for the masker only
    severity: Severity | None = None


def parse(path: str, text: str, language: str) -> Module:
    if language == "python":
        from wabaguard.webhooks import python_ast

        try:
            return python_ast.parse(path, text)
        except SyntaxError as exc:
            raise WebhookError(
                f"not valid Python (line {exc.lineno}); webhook handlers not analysed",
                level="warning",
            ) from None
    from wabaguard.webhooks import treesitter

    return treesitter.parse(path, text, language)


def findings_of(
    path: str, text: str, language: str, config: Config, tree: Tree | None = None
) -> list[WebhookFinding]:
    if is_test_path(path):
        return []
    module = parse(path, text, language)
    if tree is not None:  # imported verifiers: Python, JavaScript/TypeScript
        from wabaguard.webhooks.imports import link

        link(module, text, tree)
    analysis = Analysis(module)
    found: dict[tuple[str, int, int], WebhookFinding] = {}
    for rule_module in MODULES:
        # A disabled rule that reports secrets still runs: the finding constructor drops its
        # drafts but masks their values.
        if rule_module.RULE.id in config.disable and not rule_module.RULE.reports_secret:
            continue
        for hit in rule_module.check(analysis):
            key = (hit.rule.id, hit.site.line, hit.site.column)
            if key not in found:
                found[key] = _finding(hit, _origins(analysis, hit))
    return sorted(found.values(), key=lambda f: (f.line, f.column, f.rule.id))


def _origins(analysis: Analysis, hit: Hit) -> list[str]:
    """Notes naming the imported helpers the finding's function reaches, where they are."""
    if hit.handler is None:
        return []
    return [
        f"`{fn.name}` (used at line {fn.site.line}) is read from {fn.origin}"
        for fn in analysis.reach(hit.handler)
        if fn.origin
    ]


def _finding(hit: Hit, origins: list[str]) -> WebhookFinding:
    notes: list[str] = [*origins, *hit.notes]
    properties: dict[str, object] = {}
    handler = hit.handler
    if handler is not None:
        if hit.fix:
            notes.append(hit.fix)
        elif handler.site.line != hit.site.line:
            what = f"`{handler.name}`" if handler.name[:1].isalpha() else "the handler"
            notes.append(f"in {what} at line {handler.site.line}")
        properties["function"] = handler.name
        properties["function_line"] = handler.site.line
        if handler.route is not None:
            properties["framework"] = handler.route.framework
        if not hit.fix:
            notes.extend(fix_note(handler))
    if hit.role:
        properties["secret_role"] = hit.role
    return WebhookFinding(
        hit.rule,
        hit.site.line,
        hit.site.column,
        hit.site.end_line,
        hit.site.end_column,
        hit.detail,
        hit.identity,
        hit.confidence,
        tuple(notes),
        properties,
        hit.secret,
        hit.severity,
    )
