"""A secret written to a file that a later artifact upload includes."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.core.config import Config
from wabaguard.core.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, FileWrite, Finding, StepFacts
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

# Uploaders by action, and the input listing what they upload. Release assets are public.
_UPLOADERS = (
    ("actions/upload-artifact", "path"),
    ("actions/upload-pages-artifact", "path"),
    ("softprops/action-gh-release", "files"),
    ("ncipollo/release-action", "artifacts"),
    ("svenstaro/upload-release-action", "file"),
)


def _input_of(uses: str) -> str:
    return next((key for action, key in _UPLOADERS if uses.startswith(action + "@")), "")


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


def _covered(analysis: Analysis, upload: StepFacts, value: str, hidden_ok: bool) -> list[FileWrite]:
    """The earlier writes of secrets that the upload's ``path:`` includes."""
    entries = [normalize(e) for _, e in path_entries(value)]
    include = [e for e in entries if not e.startswith("!")]
    exclude = [normalize(e[1:]) for e in entries if e.startswith("!")]
    found = []
    for write in analysis.writes_before(upload):
        path = normalize(write.path)
        if not in_workspace(path) or write.step.step.run is None:
            continue
        if not any(covers(p, path, hidden_ok=hidden_ok) for p in include):
            continue
        if any(covers(p, path, hidden_ok=True) for p in exclude):
            continue
        found.append(write)
    return found


def _hidden_ok(analysis: Analysis, upload: StepFacts, uses: str) -> bool:
    # upload-artifact v4+ skips dotfiles unless include-hidden-files; v3 and older include
    # them; upload-pages-artifact tars the directory, dotfiles included.
    assert upload.step.with_ is not None
    major = action_major(uses) or _pinned_version(analysis, upload)
    hidden = upload.step.with_.get_str("include-hidden-files") or ""
    return (
        hidden.lower() == "true"
        or (major is not None and major < 4)
        or uses.startswith("actions/upload-pages-artifact")
    )


def _written_at(analysis: Analysis, write: FileWrite) -> tuple[int, int]:
    run = write.step.step.run
    assert run is not None
    a, b = analysis.doc.value_span(run, write.start, write.end)
    line, column, _, _ = analysis.doc.span(a, b)
    return line, column


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    """Reported on the upload's ``path:`` (the leak), related to each write it includes."""
    for upload in analysis.steps:
        uses = (upload.step.uses or "").lower()
        name = _input_of(uses)
        if not name or upload.step.with_ is None:
            continue
        key = next((k for k, _ in upload.step.with_.str_items() if k.value == name), None)
        path_node = upload.step.with_.get(name)
        if key is None or path_node is None or not path_node.is_scalar:
            continue
        writes = _covered(analysis, upload, path_node.value, _hidden_ok(analysis, upload, uses))
        if not writes:
            continue
        places = [(_written_at(analysis, w), w) for w in writes]
        files = ", ".join(sorted({f"`{w.path}`" for w in writes})[:3])
        taint = writes[0].taint
        for write in writes[1:]:
            taint = taint.union(write.taint)
        yield Finding(
            RULE,
            *analysis.finding_at(RULE, key, "", upload.step.route).span(),
            f"`{name}: {path_node.value.strip()[:60]}` of `{upload.step.uses}` uploads {files}, "
            f"where an earlier step wrote {what(taint)}, for anyone with read access to the run",
            (*upload.step.route, "with", name),
            tuple(f"written at line {line}, column {col}: `{w.path}`" for (line, col), w in places),
            {
                "written_at": [
                    {"line": line, "column": col, "file": w.path} for (line, col), w in places
                ]
            },
        )
