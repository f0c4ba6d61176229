"""Reading ``git log -p`` as a stream: commits, and for each the lines every file change added.

One ``git log`` process writes the patches of the whole walk (oldest first, zero lines of
context); this module turns its output, read line by line as bytes, into ``Commit`` and
``FileChange`` events. Nothing is held beyond the file change being read, and a change's
added text is capped (``limit``), so memory stays flat however long the history.

The scanned repository is untrusted: git runs with every configuration that could run a
program or reshape the output (external diff, textconv, fsmonitor, signatures, prefixes,
relative diffs) fixed on the command line.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, NamedTuple

# The commit header git prints for each commit: a NUL never starts a line of a text patch.
_FORMAT = "%x00%H%x00%P%x00%aI%x00%an%x00%ae"
_HUNK = re.compile(rb"^(@@+) (?P<ranges>.*?) @@+")
_GITLINK = b"160000"  # the mode of a submodule entry: its "content" is a commit id

# Configuration a repository (or this machine) can set that would run a program or change
# what the patch looks like. Given on the command line, it wins over every config file.
SAFE_CONFIG = (
    "-c", "core.fsmonitor=false",
    "-c", "core.quotePath=false",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "diff.relative=false",
    "-c", "log.showSignature=false",
    "-c", "log.showRoot=true",
    "-c", "color.ui=false",
)  # fmt: skip
_PATCH_OPTIONS = (
    "-p", "-U0", "--cc", "--find-renames", "--no-color", "--no-ext-diff", "--no-textconv",
    "--no-relative", "--src-prefix=a/", "--dst-prefix=b/", "--full-index",
    "--encoding=UTF-8", "--reverse", "--date-order",
)  # fmt: skip


class GitError(Exception):
    """git could not do what was asked (not a repository, an unknown revision...)."""


class Commit(NamedTuple):
    sha: str
    parents: tuple[str, ...]
    author_date: str  # ISO 8601, as the author recorded it
    author: str
    email: str


@dataclass
class FileChange:
    """What one commit did to one file: the lines it added (by hunk), and, when asked for,
    the lines it removed."""

    commit: Commit
    path: str  # the file after the change ("" when it was deleted)
    old_path: str  # the file before it ("" when it was created)
    hunks: list[tuple[int, list[str]]] = field(default_factory=list)  # (first line, lines)
    removed: list[str] = field(default_factory=list)
    binary: bool = False
    submodule: bool = False
    truncated: bool = False  # its added text passed the limit; the rest was not read
    combined: bool = False  # a merge's combined diff: only lines new to every parent count
    added_bytes: int = 0


def git(repo: str, *args: str, check: bool = True) -> str:
    """Run a short git command in ``repo``; its stdout. GitError with git's message."""
    try:
        done = subprocess.run(
            ["git", *SAFE_CONFIG, *args],
            cwd=repo,
            capture_output=True,
            check=False,
            env=_env(),
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or type(exc).__name__}") from None
    if check and done.returncode != 0:
        raise GitError(_first_line(done.stderr) or f"git {args[0]} failed")
    return os.fsdecode(done.stdout)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C"  # git's messages as this code expects them
    env.pop("GIT_EXTERNAL_DIFF", None)
    return env


def _first_line(stderr: bytes) -> str:
    lines = [line.strip() for line in os.fsdecode(stderr).splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal or lines or [""])[0]


def log_command(revisions: Sequence[str]) -> list[str]:
    return [
        "git", *SAFE_CONFIG, "log", *_PATCH_OPTIONS, f"--format={_FORMAT}", *revisions,
    ]  # fmt: skip


def stream_log(
    repo: str,
    revisions: Sequence[str],
    wants_removed: Callable[[str], bool],
    limit: int,
) -> Iterator[Commit | FileChange]:
    """The walk's events, oldest commit first. GitError if git fails."""
    # stderr to a file: a pipe git filled with warnings while we read stdout would block it.
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                log_command(revisions),
                cwd=repo,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=_env(),
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or type(exc).__name__}") from None
        assert proc.stdout is not None
        try:
            yield from parse_log(proc.stdout, wants_removed, limit)
        finally:
            proc.stdout.close()
            code = proc.wait()
        errors.seek(0)
        stderr = errors.read(64 * 1024)
    if code != 0:
        raise GitError(_first_line(stderr) or f"git log exited with status {code}")


def parse_log(
    stream: Iterable[bytes] | IO[bytes],
    wants_removed: Callable[[str], bool],
    limit: int,
) -> Iterator[Commit | FileChange]:
    """Parse ``git log -p`` output written with ``log_command``'s options."""
    commit: Commit | None = None
    change: FileChange | None = None
    in_hunks = False
    parents = 1
    new_line = 0
    keep_removed = False
    lines = _Lines(iter(stream))
    for raw in lines:
        if raw.startswith(b"\0"):
            if change is not None:
                yield change
                change = None
            commit = _commit(raw)
            yield commit
            continue
        if commit is None:
            continue
        if raw.startswith(b"diff "):
            if change is not None:
                yield change
            change = FileChange(commit, "", "", combined=not raw.startswith(b"diff --git "))
            in_hunks = False
            keep_removed = False
            continue
        if change is None:
            continue
        if in_hunks:  # a combined diff's hunk (a plain one is read whole, below)
            new_line = _hunk_line(raw, change, parents, new_line, keep_removed, limit)
            if new_line >= 0:
                continue
            in_hunks = False  # not a hunk line: a header line (a new hunk, or anything else)
        hunk = _HUNK.match(raw)
        if hunk is not None:
            parents = len(hunk.group(1)) - 1
            new_line = _new_start(hunk.group("ranges"))
            in_hunks = not (change.submodule or change.binary)
            if in_hunks and not change.hunks and not keep_removed and change.old_path:
                keep_removed = not change.combined and wants_removed(change.old_path)
            if in_hunks:
                change.hunks.append((new_line, []))
                if parents == 1:
                    lines.back = _plain_hunk(lines.rest, change, new_line, keep_removed, limit)
                    in_hunks = False
            continue
        _header_line(raw, change)
    if change is not None:
        yield change


class _Lines:
    """The stream's lines, with one line put back (the first line after a hunk)."""

    __slots__ = ("back", "rest")

    def __init__(self, rest: Iterator[bytes]) -> None:
        self.rest = rest
        self.back: bytes | None = None

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> bytes:
        back = self.back
        if back is None:
            return next(self.rest)
        self.back = None
        return back


def _plain_hunk(
    lines: Iterator[bytes], change: FileChange, new_line: int, keep_removed: bool, limit: int
) -> bytes | None:
    """Read the lines of a two-sided diff's hunk (most of the stream: one tight loop, not a
    call per line); the first line after it, or None at the end of the stream."""
    added = change.hunks[-1][1]
    for raw in lines:
        first = raw[:1]
        if first == b"+":
            if not change.truncated:
                change.added_bytes += len(raw) - 1
                if change.added_bytes > limit:
                    change.truncated = True
                else:
                    if change.hunks[-1][0] + len(added) != new_line:  # context between
                        added = []
                        change.hunks.append((new_line, added))
                    added.append(_text(raw[1:]))
            new_line += 1
        elif first == b"-":
            if keep_removed:
                change.removed.append(_text(raw[1:]))
        elif first == b" ":
            new_line += 1
        elif first != b"\\":  # "\ No newline at end of file" belongs to the hunk
            return raw
    return None


def _commit(raw: bytes) -> Commit:
    fields = raw.rstrip(b"\r\n").split(b"\0")
    sha, parents, date, author, email = (os.fsdecode(f) for f in (*fields[1:6], b"", b"")[:5])
    return Commit(sha, tuple(parents.split()), date, author, email)


def _new_start(ranges: bytes) -> int:
    """The first line of the new side of a hunk (``-a,b +c,d``, ``-a,b -c,d +e,f``)."""
    for part in ranges.split():
        if part.startswith(b"+"):
            start = part[1:].split(b",")[0]
            return max(int(start), 1) if start.isdigit() else 1
    return 1


def _hunk_line(
    raw: bytes, change: FileChange, parents: int, new_line: int, keep_removed: bool, limit: int
) -> int:
    """Take one line of a hunk; the next new-side line number, or -1 if ``raw`` is not a
    hunk line."""
    prefix = raw[:parents]
    if len(prefix) < parents or prefix.strip(b"+- ") or raw.startswith(b"\\"):
        return new_line if raw.startswith(b"\\") else -1  # "\ No newline at end of file"
    if b"-" in prefix:  # gone from the new side
        if keep_removed and parents == 1:
            change.removed.append(_text(raw[parents:]))
        return new_line
    if prefix == b"+" * parents and not change.truncated:
        change.added_bytes += len(raw) - parents
        if change.added_bytes > limit:
            change.truncated = True
        else:
            start, lines = change.hunks[-1]
            if start + len(lines) != new_line:  # a context line between (combined diffs)
                change.hunks.append((new_line, []))
            change.hunks[-1][1].append(_text(raw[parents:]))
    return new_line + 1


def _text(raw: bytes) -> str:
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return raw.decode("utf-8", "replace")


def _header_line(raw: bytes, change: FileChange) -> None:
    line = raw.rstrip(b"\n")
    if line.startswith(b"+++ "):
        change.path = _diff_path(line[4:], b"b/")
    elif line.startswith(b"--- "):
        change.old_path = _diff_path(line[4:], b"a/")
    elif line.startswith(b"rename from "):
        change.old_path = _unquote(line[len(b"rename from ") :])
    elif line.startswith(b"rename to "):
        change.path = _unquote(line[len(b"rename to ") :])
    elif line.startswith(b"Binary files "):
        change.binary = True
    elif line.startswith((b"index ", b"new file mode ", b"deleted file mode ", b"mode ")) and (
        line.endswith(_GITLINK) or b"," + _GITLINK in line
    ):
        change.submodule = True


def _diff_path(text: bytes, prefix: bytes) -> str:
    if text.endswith(b"\t"):
        text = text[:-1]  # git ends a name holding a blank with a tab (for patch(1))
    if text == b"/dev/null":
        return ""
    unquoted = _unquote_bytes(text)
    if unquoted.startswith(prefix):
        unquoted = unquoted[len(prefix) :]
    return os.fsdecode(unquoted)


_ESCAPES = {
    ord("a"): 7, ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("v"): 11, ord("f"): 12,
    ord("r"): 13, ord('"'): 34, ord("\\"): 92,
}  # fmt: skip


def _unquote(text: bytes) -> str:
    return os.fsdecode(_unquote_bytes(text))


def _unquote_bytes(text: bytes) -> bytes:
    """A path as git wrote it: C-style quoted when it holds a quote, backslash or control
    character (``core.quotePath=false`` leaves other bytes as they are)."""
    if len(text) < 2 or not (text.startswith(b'"') and text.endswith(b'"')):
        return text
    body = text[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c == 92 and i + 1 < len(body):
            nxt = body[i + 1]
            if 48 <= nxt <= 55 and i + 3 < len(body) + 1:
                out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)
