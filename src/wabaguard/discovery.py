"""Which files a scan looks at: git-aware, .gitignore-aware, never out of the tree.

Every path considered ends up either as a ``Candidate`` or as a ``Skipped`` entry with a
reason; nothing is dropped silently except exact duplicates (the same file named twice).
Nothing here executes code from the scanned repository: git runs with its hooks-like
configuration (``core.fsmonitor``) switched off.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec


# A .gitignore larger than this is not a .gitignore; read no more of it.
MAX_IGNORE_FILE = 1024 * 1024

# Configuration a repository can set that makes `git ls-files` run a program: a scanned
# repository's .git/config is as untrusted as its files (a tarball or a CI cache can ship one).
_GIT_SAFE_CONFIG = (
    "-c", "core.fsmonitor=false",
    "-c", "core.untrackedCache=false",
)  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    abspath: str
    relpath: str  # POSIX, relative to the working directory (or as given), printable
    # Real path of the tree this file was found in: reads must resolve inside it. None for a
    # file named explicitly outside the working directory.
    root: str | None = None


@dataclass(frozen=True)
class Skipped:
    relpath: str
    reason: str
    # Not scanned because it could not be read (permissions, a broken link, deleted while
    # the scan ran), not by policy (binary, too large, outside the tree): reports list
    # these by name in every format, the others only in JSON.
    unreadable: bool = False


def printable(path: str) -> str:
    """A path as reports show it: control characters and undecodable bytes escaped.

    A newline in a file name must not start a fake line in a report, and a name that is not
    valid UTF-8 (``surrogateescape``) cannot be written to a UTF-8 report at all.
    """
    if path.isprintable():
        return path
    out: list[str] = []
    for char in path:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as os.fsdecode keeps it
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif 0xD800 <= code <= 0xDFFF or not char.isprintable():
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def display_path(path: str, cwd: str) -> str:
    rel = os.path.relpath(path, cwd)
    if rel.startswith(".." + os.sep) or rel == ".." or os.path.isabs(rel):
        rel = path
    return printable(Path(rel).as_posix())


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _git_files(root: str) -> list[str] | None:
    """Tracked plus untracked-not-ignored files under ``root``, or None outside git."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        proc = subprocess.run(
            [
                "git", *_GIT_SAFE_CONFIG, "-C", root,
                "ls-files", "-z", "-co", "--exclude-standard", "--", ".",
            ],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=120,
            env=env,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    # -z: names are raw bytes, never quoted; undecodable bytes survive as surrogates.
    names = os.fsdecode(proc.stdout).split("\0")
    return sorted({n for n in names if n})  # -co lists a modified tracked file twice


def _git_ignores(path: str) -> bool:
    """Whether git ignores this directory (so ``ls-files`` lists nothing in it)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    target = os.path.abspath(path)
    try:
        proc = subprocess.run(
            ["git", *_GIT_SAFE_CONFIG, "-C", target, "check-ignore", "-q", "--", target],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=60,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def _read_ignore_file(path: str, root_real: str) -> str | None:
    """A .gitignore's text, or None when it is not a small regular file inside the tree."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or not _inside(os.path.realpath(path), root_real):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(MAX_IGNORE_FILE)
    except OSError:
        return None
    return data.decode("utf-8", "replace")


def _walk(root: str, skipped: list[Skipped], cwd: str) -> Iterator[str]:
    """Every file below root, honouring .gitignore files found on the way (outside git),
    with git's precedence (see ``wabaguard.gitignore``): a nested ``!keep.env`` re-includes
    what a parent ignores; an ignored directory is not entered."""
    from wabaguard.gitignore import IgnoreTree

    ignores = IgnoreTree()
    root_real = os.path.realpath(root)

    def unreadable(exc: OSError) -> None:
        where = exc.filename if isinstance(exc.filename, str) else root
        skipped.append(
            Skipped(
                display_path(where, cwd),
                f"cannot list directory: {_reason(exc)}",
                unreadable=True,
            )
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else Path(rel_dir).as_posix() + "/"
        text = _read_ignore_file(os.path.join(dirpath, ".gitignore"), root_real)
        if text is not None:
            ignores.add(rel_dir, text)
        kept = []
        for d in sorted(dirnames):
            if d == ".git" or (ignores and ignores.ignored(rel_dir, d, True)):
                continue
            if os.path.islink(os.path.join(dirpath, d)):
                # Not descended (it may loop or leave the tree); reported by _consider.
                yield os.path.join(dirpath, d)
                continue
            kept.append(d)
        dirnames[:] = kept
        for f in sorted(filenames):
            if not (ignores and ignores.ignored(rel_dir, f, False)):
                yield os.path.join(dirpath, f)


def named_path_problem(raw: str, cwd: str) -> str | None:
    """Why a path named on the command line cannot be scanned at all (it does not exist, or
    cannot be read), or None. Such a path is a usage error, not a skip: a typo in a CI
    path must not turn the check off."""
    path = os.path.join(cwd, raw)
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return "broken symbolic link"
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENOENT:
            return "no such file or directory"
        return f"cannot read: {_reason(exc)}"
    try:
        if stat.S_ISDIR(st.st_mode):
            with os.scandir(path):
                pass
        elif stat.S_ISREG(st.st_mode):
            os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError as exc:
        return f"cannot read: {_reason(exc)}"
    return None  # a pipe or device is skipped, with its reason, by discovery


class _Excludes:
    """Gitignore-style exclude patterns, each set relative to its own base directory (a
    config file's directory, or the working directory for --exclude). A file outside a
    set's base is matched by its absolute path, so unanchored patterns still apply."""

    def __init__(self, sets: Iterable[tuple[str, Sequence[str]]]) -> None:
        self.sets: list[tuple[str, pathspec.GitIgnoreSpec]] = []
        for base, patterns in sets:
            if patterns:
                import pathspec  # ~25 ms of imports the hook skips when nothing is excluded

                spec = pathspec.GitIgnoreSpec.from_lines(list(patterns))
                self.sets.append((os.path.abspath(base), spec))

    def __bool__(self) -> bool:
        return bool(self.sets)

    def match(self, file: str) -> bool:
        absolute = os.path.abspath(file)
        for base, spec in self.sets:
            inside = _inside(absolute, base)
            rel = absolute[len(base.rstrip(os.sep)) + 1 :] if inside else absolute
            if os.sep != "/":
                rel = rel.replace(os.sep, "/")
            if rel and spec.match_file(rel):
                return True
        return False


def discover(
    paths: Iterable[str],
    excludes: Iterable[str],
    cwd: str,
    based_excludes: Iterable[tuple[str, Sequence[str]]] = (),
) -> tuple[list[Candidate], list[Skipped]]:
    """Expand PATH arguments into files to scan, plus what was skipped and why.

    ``excludes`` are relative to ``cwd``; ``based_excludes`` pairs a base directory with
    patterns relative to it (a config file's ``exclude``).
    """
    exclude_spec = _Excludes([(cwd, list(excludes)), *based_excludes])
    seen: dict[tuple[int, int], str] = {}
    found: list[Candidate] = []
    skipped: list[Skipped] = []
    cwd_real = os.path.realpath(cwd)
    for raw in paths:
        path = os.path.join(cwd, raw)
        if os.path.isdir(path) and not _is_dir_link_out(path, cwd, cwd_real):
            root_real = os.path.realpath(path)
            listed = _git_files(path)
            if listed == [] and _git_ignores(path):
                listed = None  # a directory named explicitly is scanned even when ignored
            files = (
                (os.path.join(path, name) for name in listed)
                if listed is not None
                else _walk(path, skipped, cwd)
            )
            for file in files:
                _consider(file, root_real, cwd, exclude_spec, seen, found, skipped)
        elif os.path.lexists(path):
            # Files named explicitly are scanned even when ignored (pre-commit passes them).
            # One inside the working directory must resolve inside it too.
            lexical = os.path.normpath(os.path.abspath(path))
            root = cwd_real if _inside(lexical, os.path.normpath(cwd)) else None
            if root is None and os.path.islink(path):
                root = cwd_real
            _consider(path, root, cwd, exclude_spec, seen, found, skipped)
        else:
            # A --files-from entry (named PATHs are checked by the CLI first): a list made
            # by `git diff` may name a file the change deleted.
            skipped.append(
                Skipped(display_path(path, cwd), "no such file or directory", unreadable=True)
            )
    return found, skipped


def _is_dir_link_out(path: str, cwd: str, cwd_real: str) -> bool:
    """A directory argument inside the working directory that is a link leading out of it."""
    lexical = os.path.normpath(os.path.abspath(path))
    return (
        os.path.islink(path.rstrip("/") or path)
        and _inside(lexical, os.path.normpath(cwd))
        and not _inside(os.path.realpath(path), cwd_real)
    )


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _consider(
    file: str,
    root_real: str | None,
    cwd: str,
    exclude_spec: _Excludes,
    seen: dict[tuple[int, int], str],
    found: list[Candidate],
    skipped: list[Skipped],
) -> None:
    if exclude_spec and exclude_spec.match(file):
        return
    rel = display_path(file, cwd)
    is_link = os.path.islink(file)
    try:
        st = os.stat(file)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            reason = "symbolic link loop"
        elif exc.errno == errno.ENOENT and is_link:
            reason = "broken symbolic link"
        elif exc.errno == errno.ENOENT:
            # Listed by git but gone from the working tree (deleted, or renamed by case).
            reason = "no such file (deleted since it was listed)"
        else:
            reason = f"cannot read: {_reason(exc)}"
        skipped.append(Skipped(rel, reason, unreadable=True))
        return
    real = os.path.realpath(file)
    if root_real is not None and not _inside(real, root_real):
        reason = (
            "symbolic link pointing outside the scanned tree"
            if is_link
            else "resolves outside the scanned tree (through a symbolic link)"
        )
        skipped.append(Skipped(rel, reason))
        return
    if stat.S_ISDIR(st.st_mode):
        if is_link:
            skipped.append(
                Skipped(rel, "symbolic link to a directory (its files are scanned where they are)")
            )
        else:
            skipped.append(Skipped(rel, "directory, not a file (a git submodule?)"))
        return
    if not stat.S_ISREG(st.st_mode):
        skipped.append(Skipped(rel, f"not a regular file ({_file_kind(st.st_mode)})"))
        return
    key = (st.st_dev, st.st_ino)
    first = seen.get(key)
    if first is not None:
        if first != real:
            skipped.append(
                Skipped(
                    rel,
                    f"same file as {display_path(first, cwd)} (a hard link or a name "
                    "differing only in case)",
                )
            )
        return
    seen[key] = real
    found.append(Candidate(file, rel, root_real))


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    return "special file"
