"""The versioned JSON document (see docs/json-output.md). A wire format: keep it stable."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from wabaguard import __version__

if TYPE_CHECKING:
    from wabaguard.findings import Finding
    from wabaguard.scan import ScanResult

JSON_VERSION = 1


def finding_to_json(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "title": f.title,
        "severity": f.severity.value,
        "confidence": f.confidence.value,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "message": f.message,
        "snippet": f.snippet,
        "fingerprint": f.fingerprint,
        "help_uri": f.help_uri,
        "related_rules": [r.rule for r in f.related],
        "logical_location": f.logical_location or None,
        "notes": list(f.notes),
        "properties": dict(f.properties),
    }


def render_json(result: ScanResult) -> str:
    doc = {
        "version": JSON_VERSION,
        "tool": {"name": "wabaguard", "version": __version__},
        "findings": [finding_to_json(f) for f in result.findings],
        "errors": [{"path": e.path, "message": e.message, "level": e.level} for e in result.errors],
        "skipped": [{"path": s.relpath, "reason": s.reason} for s in result.skipped],
        "stats": {
            "files_scanned": result.files_scanned,
            "files_skipped": result.files_skipped,
            "findings_suppressed": result.suppressed,
            "bytes_scanned": result.bytes_scanned,
            "duration_s": round(result.duration_s, 4),
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
