"""``.gitignore`` files as git reads them, for walks outside a git work tree.

Git's rules (gitignore(5), and ``dir.c``/``wildmatch.c`` for the details), which this
module follows exactly for the path it is asked about:

* in one file the last matching pattern decides; a ``!`` pattern re-includes;
* across files the deepest file with a matching pattern decides (see ``IgnoreTree``);
* a pattern with a slash at the start or in the middle is matched against the path relative
  to its file's directory, with ``*``, ``?`` and ``[...]`` never matching ``/`` and ``**``
  matching across directories; one without is matched against the last path component;
* a trailing ``/`` matches directories only.

The path itself is matched, not its parent directories: the walk does not enter an ignored
directory, which is how git makes a file below one impossible to re-include.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "blank": " \\t",
    "digit": "0-9",
    "lower": "a-z",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}


class Pattern:
    __slots__ = ("basename_only", "dir_only", "negated", "regex")

    def __init__(self, regex: re.Pattern[str], negated: bool, dir_only: bool, basename: bool):
        self.regex = regex
        self.negated = negated
        self.dir_only = dir_only
        self.basename_only = basename


def parse_line(line: str) -> Pattern | None:
    """One .gitignore line as a pattern, or None for a blank line, a comment or a pattern
    git would discard (a trailing backslash, an unterminated character class)."""
    line = _trim_trailing_spaces(line)
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    dir_only = line.endswith("/") and not line.endswith("\\/")
    if dir_only:
        line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    if line.startswith("/"):
        line = line[1:]
    regex = _wildmatch(line)
    if regex is None:
        return None
    return Pattern(re.compile(regex, re.DOTALL), negated, dir_only, not anchored)


def _trim_trailing_spaces(line: str) -> str:
    end = len(line)
    while end and line[end - 1] == " ":
        backslashes = len(line[: end - 1]) - len(line[: end - 1].rstrip("\\"))
        if backslashes % 2:  # "\ " keeps its space
            break
        end -= 1
    return line[:end]


def _wildmatch(pattern: str) -> str | None:
    """A wildmatch (WM_PATHNAME) pattern as a regular expression, or None if git would
    never match it."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            at_start = i == 0 or pattern[i - 1] == "/"
            at_end = j == n or pattern[j] == "/"
            if j - i >= 2 and at_start and at_end:
                if j == n:
                    out.append(".*")  # "a/**": everything below
                else:
                    out.append("(?:.*/)?")  # "**/": zero or more directories
                    j += 1
            else:
                out.append("[^/]*")
            i = j
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            parsed = _char_class(pattern, i)
            if parsed is None:
                return None  # git: an unterminated class matches nothing
            cls, i = parsed
            out.append(cls)
        elif c == "\\":
            if i + 1 == n:
                return None  # a trailing backslash: never matches
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def _char_class(pattern: str, start: int) -> tuple[str, int] | None:
    i = start + 1
    n = len(pattern)
    negated = i < n and pattern[i] in "!^"
    if negated:
        i += 1
    items: list[str] = []
    first = True
    while i < n:
        c = pattern[i]
        if c == "]" and not first:
            body = "".join(items)
            # Under WM_PATHNAME a class never matches "/".
            return (f"(?!/)[^{body}]" if negated else f"(?!/)[{body}]"), i + 1
        first = False
        if c == "[" and pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2 : end] if end != -1 else ""
            if name in _POSIX_CLASSES:
                items.append(_POSIX_CLASSES[name])
                i = end + 2
                continue
            if end != -1:
                return None  # an unknown [:class:]: git rejects the pattern
        if c == "\\":
            if i + 1 == n:
                return None
            c = pattern[i + 1]
            i += 1
        low = c
        i += 1
        if i + 1 < n and pattern[i] == "-" and pattern[i + 1] != "]":
            high = pattern[i + 1]
            i += 2
            if high == "\\" and i < n:
                high = pattern[i]
                i += 1
            if ord(high) < ord(low):
                continue  # an empty range
            items.append(f"{re.escape(low)}-{re.escape(high)}")
        else:
            items.append(re.escape(low))
    return None


class IgnoreFile:
    """The patterns of one .gitignore file."""

    __slots__ = ("patterns",)

    def __init__(self, lines: Iterable[str]) -> None:
        parsed = (parse_line(line) for line in lines)
        self.patterns = [p for p in parsed if p is not None]

    def verdict(self, path: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included by a ``!`` pattern, None: no pattern matches.
        ``path`` is relative to this file's directory, POSIX separators."""
        basename = path.rsplit("/", 1)[-1]
        for pattern in reversed(self.patterns):
            if pattern.dir_only and not is_dir:
                continue
            subject = basename if pattern.basename_only else path
            if pattern.regex.fullmatch(subject):
                return not pattern.negated
        return None


class IgnoreTree:
    """The .gitignore files met so far in a walk, keyed by their directory ("" or "a/b/")."""

    def __init__(self) -> None:
        self.files: dict[str, IgnoreFile] = {}

    def __bool__(self) -> bool:
        return bool(self.files)

    def add(self, directory: str, text: str) -> None:
        lines = text.removeprefix("\ufeff").splitlines()
        self.files[directory] = IgnoreFile(lines)

    def ignored(self, directory: str, name: str, is_dir: bool) -> bool:
        """Whether ``directory + name`` is ignored: the deepest file with a matching pattern
        decides, by its last matching pattern."""
        path = directory + name
        base = directory
        while True:
            ignore_file = self.files.get(base)
            if ignore_file is not None:
                verdict = ignore_file.verdict(path[len(base) :], is_dir)
                if verdict is not None:
                    return verdict
            if not base:
                return False
            base = base[: base.rstrip("/").rfind("/") + 1]
