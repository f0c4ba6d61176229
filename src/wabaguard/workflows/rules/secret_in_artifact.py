"""A secret written to a file that a later artifact upload includes."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding, StepFacts
from wabaguard.workflows.rules._common import rule, what
from wabaguard.workflows.rules._paths import (
    action_major,
    covers,
    in_workspace,
    normalize,
    path_entries,
)

RULE = rule(
    "secret-in-artifact",
    "Secret written to a file that is uploaded as an artifact",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Write credentials under `$RUNNER_TEMP` (outside the workspace) and upload only build "
    "outputs (`path: dist/`)",
)

_UPLOADERS = ("actions/upload-artifact", "actions/upload-pages-artifact")


def _pinned_version(analysis: Analysis, upload: StepFacts) -> int | None:
    """``uses: actions/upload-artifact@<sha> # v4.3.1``: the version from the comment."""
    node = upload.step.uses_node
    if node is None:
        return None
    text = analysis.doc.text
    line_end = text.find("\n", node.end)
    comment = text[node.end : line_end if line_end >= 0 else len(text)].strip()
    if not comment.startswith("#"):
        return None
    return action_major("@" + comment.lstrip("# ").split()[0]) if comment.lstrip("# ") else None


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for upload in analysis.steps:
        uses = (upload.step.uses or "").lower()
        if not uses.startswith(_UPLOADERS) or upload.step.with_ is None:
            continue
        path_node = upload.step.with_.get("path")
        if path_node is None or not path_node.is_scalar:
            continue
        major = action_major(uses) or _pinned_version(analysis, upload)
        hidden = upload.step.with_.get_str("include-hidden-files") or ""
        # upload-artifact v4+ skips dotfiles unless include-hidden-files; v3 and older include
        # them; upload-pages-artifact tars the directory, dotfiles included.
        hidden_ok = (
            hidden.lower() == "true"
            or (major is not None and major < 4)
            or uses.startswith("actions/upload-pages-artifact")
        )
        entries = [normalize(e) for _, e in path_entries(path_node.value)]
        include = [e for e in entries if not e.startswith("!")]
        exclude = [normalize(e[1:]) for e in entries if e.startswith("!")]
        for write in analysis.writes_before(upload):
            path = normalize(write.path)
            if not in_workspace(path):
                continue
            if not any(covers(p, path, hidden_ok=hidden_ok) for p in include):
                continue
            if any(covers(p, path, hidden_ok=True) for p in exclude):
                continue
            run = write.step.step.run
            if run is None:
                continue
            yield analysis.finding(
                RULE,
                run,
                write.start,
                write.end,
                f"{what(write.taint)} is written to `{write.path}`, which the "
                f"`{upload.step.uses}` step (path `{path_node.value.strip()[:60]}`) uploads "
                "for anyone with read access to the run",
                (*write.step.step.route, "run"),
            )
