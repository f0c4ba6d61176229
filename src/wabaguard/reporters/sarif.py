"""SARIF 2.1.0 for GitHub code scanning."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from wabaguard import __version__

if TYPE_CHECKING:
    from wabaguard.findings import Finding, Rule
    from wabaguard.scan import ScanResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub sorts alerts by this 0.0-10.0 score.
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def _rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title}. {rule.fix}."},
        "help": {"text": rule.fix, "markdown": f"{rule.fix}. See [{rule.id}]({rule.help_uri})."},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": _LEVEL[rule.severity.value]},
        "properties": {
            "tags": ["security", rule.kind.value],
            "precision": {"low": "low", "medium": "medium", "high": "high"}[rule.confidence.value],
            "security-severity": _SECURITY_SEVERITY[rule.severity.value],
        },
    }


def _location(f: Finding) -> dict[str, Any]:
    if f.logical_location:
        return {"logicalLocations": [{"fullyQualifiedName": f.logical_location}]}
    region: dict[str, Any] = {
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": max(f.end_column, f.column + 1) if f.end_line == f.line else f.end_column,
    }
    if f.snippet:
        region["snippet"] = {"text": f.snippet}
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
            "region": region,
        },
    }


def _result_json(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    message = " ".join((f.message, *f.notes))
    properties: dict[str, Any] = {
        **f.properties,
        "severity": f.severity.value,
        "confidence": f.confidence.value,
    }
    if f.related:
        properties["relatedRules"] = [r.rule for r in f.related]
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": _LEVEL[f.severity.value],
        "message": {"text": message},
        "locations": [_location(f)],
        "partialFingerprints": {"wabaguard/v1": f.fingerprint},
        "properties": properties,
    }
    if f.rule in index:
        result["ruleIndex"] = index[f.rule]
    return result


def render_sarif(result: ScanResult, rules: tuple[Rule, ...]) -> str:
    index = {rule.id: i for i, rule in enumerate(rules)}
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "wabaguard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/wabaguard/wabaguard",
                        "rules": [_rule_json(rule) for rule in rules],
                    }
                },
                "automationDetails": {"id": "wabaguard/"},
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "./"}},
                "results": [_result_json(f, index) for f in result.findings],
                "properties": {"findingsSuppressed": result.suppressed},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {
                                "level": "warning",
                                "message": {"text": e.message},
                                "locations": [
                                    {
                                        "physicalLocation": {
                                            "artifactLocation": {
                                                "uri": e.path,
                                                "uriBaseId": "%SRCROOT%",
                                            },
                                        }
                                    }
                                ],
                            }
                            for e in result.errors
                        ],
                    }
                ],
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
