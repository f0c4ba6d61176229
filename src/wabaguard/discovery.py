"""Which files a scan looks at: git-aware, .gitignore-aware, never out of the tree."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec


@dataclass(frozen=True)
class Candidate:
    abspath: str
    relpath: str  # POSIX, relative to the working directory (or as given)


@dataclass(frozen=True)
class Skipped:
    relpath: str
    reason: str


def display_path(path: str, cwd: str) -> str:
    rel = os.path.relpath(path, cwd)
    if rel.startswith(".." + os.sep) or rel == ".." or os.path.isabs(rel):
        rel = path
    return Path(rel).as_posix()


def _git_files(root: str) -> list[str] | None:
    """Tracked plus untracked-not-ignored files under ``root``, or None outside git."""
    try:
        proc = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "-co", "--exclude-standard", "--", "."],
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [n for n in names if n]


def _walk(root: str) -> Iterator[str]:
    """Every file below root, honouring .gitignore files found on the way (outside git)."""
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else Path(rel_dir).as_posix() + "/"
        ignore_file = os.path.join(dirpath, ".gitignore")
        if os.path.isfile(ignore_file):
            try:
                with open(ignore_file, encoding="utf-8", errors="replace") as fh:
                    spec = pathspec.GitIgnoreSpec.from_lines(fh)
                specs.append((rel_dir, spec))
            except OSError:
                pass

        def ignored(rel: str, is_dir: bool) -> bool:
            for base, spec in specs:
                if rel.startswith(base):
                    sub = rel[len(base) :] + ("/" if is_dir else "")
                    if spec.match_file(sub):
                        return True
            return False

        kept = []
        for d in sorted(dirnames):
            rel = rel_dir + d
            if d == ".git" or ignored(rel, True):
                continue
            kept.append(d)
        dirnames[:] = kept
        for f in sorted(filenames):
            rel = rel_dir + f
            if not ignored(rel, False):
                yield os.path.join(dirpath, f)


def discover(
    paths: Iterable[str],
    excludes: Iterable[str],
    cwd: str,
) -> tuple[list[Candidate], list[Skipped]]:
    """Expand PATH arguments into files to scan, plus what was skipped and why."""
    exclude_spec = pathspec.GitIgnoreSpec.from_lines(list(excludes))
    seen: set[str] = set()
    found: list[Candidate] = []
    skipped: list[Skipped] = []
    for raw in paths:
        path = os.path.join(cwd, raw)
        if os.path.isdir(path):
            root_real = os.path.realpath(path)
            listed = _git_files(path)
            files = (
                (os.path.join(path, name) for name in listed) if listed is not None else _walk(path)
            )
            for file in files:
                _consider(file, root_real, cwd, exclude_spec, seen, found, skipped)
        elif os.path.lexists(path):
            # Files named explicitly are scanned even when ignored (pre-commit passes them).
            _consider(path, None, cwd, exclude_spec, seen, found, skipped)
        else:
            skipped.append(Skipped(display_path(path, cwd), "no such file or directory"))
    return found, skipped


def _consider(
    file: str,
    root_real: str | None,
    cwd: str,
    exclude_spec: pathspec.GitIgnoreSpec,
    seen: set[str],
    found: list[Candidate],
    skipped: list[Skipped],
) -> None:
    rel = display_path(file, cwd)
    if exclude_spec.match_file(rel):
        return
    real = os.path.realpath(file)
    if os.path.islink(file):
        if root_real is None:
            root_real = os.path.realpath(cwd)
        if not (real == root_real or real.startswith(root_real + os.sep)):
            skipped.append(Skipped(rel, "symbolic link pointing outside the scanned tree"))
            return
    if real in seen:
        return
    seen.add(real)
    if os.path.isdir(file):
        return  # e.g. a git submodule or a symlink to a directory
    found.append(Candidate(file, rel))
