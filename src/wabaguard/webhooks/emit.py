"""A source file's webhook findings, handed to the file's finding constructor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wabaguard import webhooks
from wabaguard.core.builder import Draft, FileFindings

if TYPE_CHECKING:
    from wabaguard.core.config import Config


def add_findings(
    path: str,
    lines: list[str],
    config: Config,
    sink: FileFindings,
    *,
    abspath: str | None = None,
    root: str | None = None,
) -> None:
    """Analyse one source file's handlers into ``sink``. Raises ``WebhookError`` on
    unusable input (invalid Python, a grammar not installed), before anything is added.

    ``abspath`` and ``root`` (the tree the file was found in) let imported verifiers be read;
    without them they are trusted by name."""
    text = "\n".join(lines) + "\n"
    tree = None
    if abspath is not None and root is not None:
        from wabaguard.webhooks.imports import Tree

        tree = Tree(abspath, path, root, config.max_file_size)
    produced = list(webhooks.analyze(path, text, config, tree))
    for wh in produced:
        if wh.secret:  # a hardcoded app secret or verify token: masked wherever it occurs
            sink.add_secret(wh.secret)
    for wh in produced:
        # A milder finding by nature (a verify token) keeps the user's severity override.
        severity = None if wh.rule.id in config.severity else wh.severity
        source = lines[wh.line - 1] if 0 < wh.line <= len(lines) else ""
        sink.add(
            Draft(
                wh.rule,
                wh.line,
                wh.column,
                wh.end_line,
                wh.end_column,
                detail=wh.detail,
                identity=wh.identity,
                confidence=wh.confidence,
                properties=wh.properties,
                notes=wh.notes,
                severity=severity,
            ),
            source,
        )
