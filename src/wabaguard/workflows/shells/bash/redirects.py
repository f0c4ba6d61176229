"""Redirections, here-strings and heredocs: where stdout goes, what stdin carries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal

from wabaguard.workflows.shells.bash.words import placeholder_taint, value_taint
from wabaguard.workflows.shells.facts import Sink
from wabaguard.workflows.taint import Taint, union

if TYPE_CHECKING:
    from wabaguard.workflows.shells.bash.walker import Walker


class Dest:
    """Where a statement's stdout goes: a sink, or on to the next command (pipe, capture)."""

    __slots__ = ("path", "sink")

    def __init__(self, sink: Sink | Literal["pipe", "capture"], path: str = "") -> None:
        self.sink: Final = sink
        self.path: Final = path


LOG = Dest("log")
PIPE = Dest("pipe")
CAPTURE = Dest("capture")
# The children of a command or redirected statement that redirect it.
REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
STDIN_REDIRECTS = frozenset({"heredoc_redirect", "herestring_redirect"})


def classify_path(raw: str) -> Dest:
    """Where a redirection target points: a GitHub command file, the log, null, or a file."""
    stripped = raw.strip("\"'")
    for var, sink in (
        ("GITHUB_STEP_SUMMARY", "summary"),
        ("GITHUB_OUTPUT", "github-output"),
        ("GITHUB_ENV", "github-env"),
        ("GITHUB_PATH", "github-path"),
    ):
        if stripped in (f"${var}", f"${{{var}}}"):
            return Dest(sink)  # type: ignore[arg-type]
    if stripped in ("/dev/null",):
        return Dest("null")
    if stripped in ("/dev/stdout", "/dev/stderr", "/dev/tty"):
        return LOG
    return Dest("file", stripped)


def redirect_dest(w: Walker, redirect: Any) -> Dest | None:
    """Where a ``file_redirect`` sends stdout (None: it does not move stdout)."""
    descriptor = None
    operator = ""
    target = None
    for child in redirect.children:
        if child.type == "file_descriptor":
            descriptor = w.src(child)
        elif not child.is_named:
            operator = child.type
        elif target is None:
            target = child
    if operator.startswith("<") or target is None:
        return None
    if descriptor not in (None, "1") and operator != "&>":
        return None  # stderr redirections do not move stdout
    raw = w.src(target)
    if operator in (">&", "&>") and raw in ("1", "2"):
        return LOG if raw == "2" else None
    return classify_path(raw)


def stdin_of(w: Walker, redirect: Any) -> tuple[Taint | None, tuple[int, int] | None]:
    """What a here-string or heredoc feeds to stdin, and where the secret sits in it."""
    if redirect.type == "heredoc_redirect":
        return heredoc_taint(w, redirect)
    taint: Taint | None = None
    site: tuple[int, int] | None = None
    for child in redirect.named_children:
        child_taint, child_site = value_taint(w, child)
        if child_taint is not None and site is None:
            site = child_site
        taint = union(taint, child_taint)
    return taint, site


def heredoc_taint(w: Walker, redirect: Any) -> tuple[Taint | None, tuple[int, int] | None]:
    quoted = False
    for child in redirect.named_children:
        if child.type == "heredoc_start":
            quoted = any(q in w.src(child) for q in "'\"\\")
        elif child.type == "heredoc_body":
            if quoted:  # no shell expansion, but GitHub's ${{ }} substitution still runs
                taint, site = placeholder_taint(w, child.start_byte, child.end_byte)
            else:
                taint, site = value_taint(w, child)
            return taint, (site if taint is not None else None)
    return None, None


def apply_redirects(
    w: Walker,
    redirects: list[Any],
    stdin: Taint | None,
    stdin_site: tuple[int, int] | None,
    dest: Dest,
) -> tuple[Taint | None, tuple[int, int] | None, Dest]:
    """Stdin (and where its secret sits) and stdout after ``redirects``, in their order."""
    for redirect in redirects:
        if redirect.type in STDIN_REDIRECTS:
            fed, site = stdin_of(w, redirect)
            stdin = union(stdin, fed)
            stdin_site = stdin_site or site
        else:
            target = redirect_dest(w, redirect)
            if target is not None:
                dest = target
    return stdin, stdin_site, dest
