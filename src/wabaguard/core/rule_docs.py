"""Where rule documentation lives: packaged copies, or the source tree's docs/rules."""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parents[1] / "rules_docs"  # wabaguard/rules_docs
_SOURCE_TREE = Path(__file__).resolve().parents[3] / "docs" / "rules"


def read_rule_doc(rule_id: str) -> str | None:
    for base in (_PACKAGED, _SOURCE_TREE):
        page = base / f"{rule_id}.md"
        if page.is_file():
            return page.read_text(encoding="utf-8")
    return None
