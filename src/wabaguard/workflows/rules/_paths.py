"""Path matching for artifact uploads and caches (workspace-relative and home paths)."""

from __future__ import annotations

import fnmatch
import re

_WORKSPACE_PREFIXES = ("$GITHUB_WORKSPACE/", "${GITHUB_WORKSPACE}/", "${{ github.workspace }}/")
_HOME_PREFIXES = ("$HOME/", "${HOME}/", "${{ env.HOME }}/", "/home/runner/", "/root/")
_VERSION = re.compile(r"@v(\d+)")


def normalize(path: str) -> str:
    """Workspace paths relative (``./a/`` -> ``a``), home paths under ``~/``."""
    path = path.strip().strip("\"'")
    for prefix in _WORKSPACE_PREFIXES:
        if path.startswith(prefix):
            path = path[len(prefix) :]
    for prefix in _HOME_PREFIXES:
        if path.startswith(prefix):
            path = "~/" + path[len(prefix) :]
    if path in ("$HOME", "${HOME}", "~/"):
        path = "~"
    while path.startswith("./"):
        path = path[2:]
    if path in ("", ".", "$GITHUB_WORKSPACE", "${{ github.workspace }}", "${GITHUB_WORKSPACE}"):
        return "."
    return path.rstrip("/") or "/"


def in_workspace(path: str) -> bool:
    return not path.startswith(("/", "~", "$", "%"))


def path_entries(value: str) -> list[tuple[int, str]]:
    """(offset in the scalar, entry) for each non-empty line of a multi-line ``path:``."""
    out: list[tuple[int, str]] = []
    offset = 0
    for line in value.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            out.append((offset + line.index(stripped), stripped))
        offset += len(line) + 1
    return out


def covers(pattern: str, path: str, *, hidden_ok: bool) -> bool:
    """Does an upload/cache ``pattern`` include ``path`` (both normalised)?"""
    if pattern == path:
        return True
    if pattern == ".":
        rest = path
    elif path.startswith(pattern + "/"):
        rest = path[len(pattern) + 1 :]
    elif fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern + "/*"):
        rest = path.rsplit("/", 1)[-1]
    elif pattern in ("*", "**", "**/*"):
        rest = path
    else:
        return False
    hidden = any(part.startswith(".") and part not in (".", "..") for part in rest.split("/"))
    return hidden_ok or not hidden


def action_major(uses: str) -> int | None:
    match = _VERSION.search(uses)
    return int(match.group(1)) if match else None
