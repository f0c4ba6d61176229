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
            "artifactLocation": artifact_location(f.path),
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


def artifact_location(path: str) -> dict[str, Any]:
    """A reported path as a SARIF artifact location: a percent-encoded relative reference
    (RFC 3986) against %SRCROOT%, or a ``file:`` URI for a path outside the working
    directory. ``quote`` leaves only unreserved characters and ``/`` as they are, so a
    ``:`` in the first segment cannot pass for a scheme, nor ``#``/``?``/``%`` end or
    escape the path."""
    import os.path
    from urllib.parse import quote

    if os.path.isabs(path):  # "/x/y", or "C:/x/y" on Windows (a POSIX name may hold "c:")
        return {"uri": "file://" + ("" if path.startswith("/") else "/") + quote(path, safe="/:")}
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


# Notification descriptors: what kind of problem a toolExecutionNotification reports.
_NOTIFICATIONS = (
    ("analysis-error", "A file could not be analysed, in full or in part"),
    ("analysis-warning", "A file was analysed with a caveat (undecodable bytes replaced)"),
    ("unreadable-file", "A file could not be read, so it was not scanned"),
)


def _notification(kind: int, level: str, text: str, path: str) -> dict[str, Any]:
    return {
        "level": level,
        "message": {"text": text},
        "descriptor": {"id": _NOTIFICATIONS[kind][0], "index": kind},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path)}}],
    }


def render_sarif(result: ScanResult, rules: tuple[Rule, ...]) -> str:
    index = {rule.id: i for i, rule in enumerate(rules)}
    notifications = [
        _notification(0, "error", e.message, e.path)
        if e.level == "error"
        else _notification(1, "warning", e.message, e.path)
        for e in result.errors
    ]
    notifications += [
        _notification(2, "note", s.reason, s.relpath) for s in result.skipped if s.unreadable
    ]
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
                        "notifications": [
                            {"id": ident, "shortDescription": {"text": text}}
                            for ident, text in _NOTIFICATIONS
                        ],
                    }
                },
                "automationDetails": {"id": "wabaguard/"},
                "columnKind": "unicodeCodePoints",
                # No uri: an absolute one would name this machine's directory; a relative
                # one is not allowed here without a base of its own (SARIF 3.14.14).
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The directory wabaguard ran in"}}
                },
                "results": [_result_json(f, index) for f in result.findings],
                "properties": {"findingsSuppressed": result.suppressed},
                "invocations": [
                    {
                        # False when a file could not be analysed: the results are incomplete.
                        "executionSuccessful": not any(e.level == "error" for e in result.errors),
                        "toolExecutionNotifications": notifications,
                    }
                ],
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
