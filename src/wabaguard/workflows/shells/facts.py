"""What a ``run:`` script does with secret-bearing values: the facts every shell records.

Each shell family (``bash``, ``powershell``, ``cmd``, ``python``) walks its scripts its own way
and fills a ``FactsBuilder``; rules read the frozen ``ScriptFacts`` and know nothing about
shells. Offsets in every fact are character offsets into the script (the YAML scalar's value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

from wabaguard.workflows.taint import Taint

Sink = Literal["log", "summary", "github-env", "github-output", "github-path", "file", "null"]
ArgvCategory = Literal["plain", "url", "docker"]


# The facts are slotted classes, immutable by contract (``Final``, checked by mypy) and
# compared by identity, not frozen dataclasses (each of those cost about 1 ms of start-up).

_NO_WRITES: Mapping[str, Taint] = MappingProxyType({})


class Placeholder:
    """A ``${{ … }}`` in the script, with what its value carries."""

    __slots__ = ("end", "label", "start", "taint")

    def __init__(self, start: int, end: int, taint: Taint | None, label: str) -> None:
        self.start: Final = start
        self.end: Final = end
        self.taint: Final = taint
        self.label: Final = label  # e.g. "secrets.WA_TOKEN": the expression name, never a value


class ArgvUse:
    __slots__ = ("category", "command", "detail", "end", "start", "taint")

    def __init__(
        self,
        start: int,
        end: int,
        taint: Taint,
        command: str,
        category: ArgvCategory,
        detail: str = "",
    ) -> None:
        self.start: Final = start
        self.end: Final = end
        self.taint: Final = taint
        self.command: Final = command
        self.category: Final = category
        self.detail: Final = detail  # e.g. "--build-arg", "-p", "userinfo"


class Output:
    """Secret-bearing data written somewhere by one command."""

    __slots__ = ("command", "end", "name", "path", "sink", "start", "taint")

    def __init__(
        self,
        start: int,
        end: int,
        taint: Taint,
        sink: Sink,
        command: str,
        name: str = "",
        path: str = "",
    ) -> None:
        self.start: Final = start
        self.end: Final = end
        self.taint: Final = taint
        self.sink: Final = sink
        self.command: Final = command
        self.name: Final = name  # GITHUB_ENV / GITHUB_OUTPUT variable name, if known
        self.path: Final = path  # file path (as written in the script), for sink == "file"


class Trace:
    __slots__ = ("end", "start", "taint", "what")

    def __init__(self, start: int, end: int, what: str, taint: Taint) -> None:
        # The ``set -x`` (or -1 when the shell itself traces: ``bash -x {0}``).
        self.start: Final = start
        self.end: Final = end
        self.what: Final = what
        self.taint: Final = taint


class Verbose:
    __slots__ = ("command", "end", "flag", "start")

    def __init__(self, start: int, end: int, command: str, flag: str) -> None:
        self.start: Final = start
        self.end: Final = end
        self.command: Final = command
        self.flag: Final = flag


class Hardcoded:
    __slots__ = ("end", "start", "what")

    def __init__(self, start: int, end: int, what: str) -> None:
        self.start: Final = start
        self.end: Final = end
        self.what: Final = what


class Marker:
    """Something notable with no taint: a PR checkout, an implicit credential file…"""

    __slots__ = ("end", "kind", "start", "value")

    def __init__(self, start: int, end: int, kind: str, value: str = "") -> None:
        self.start: Final = start
        self.end: Final = end
        self.kind: Final = kind
        self.value: Final = value


class ScriptFacts:
    """What one script does with secret-bearing values (offsets are into the script)."""

    __slots__ = (
        "argv",
        "env_writes",
        "hardcoded",
        "markers",
        "output_writes",
        "outputs",
        "parse_errors",
        "traces",
        "uses_secret",
        "verbose",
    )

    def __init__(
        self,
        argv: tuple[ArgvUse, ...] = (),
        outputs: tuple[Output, ...] = (),
        traces: tuple[Trace, ...] = (),
        verbose: tuple[Verbose, ...] = (),
        hardcoded: tuple[Hardcoded, ...] = (),
        markers: tuple[Marker, ...] = (),
        env_writes: Mapping[str, Taint] = _NO_WRITES,
        output_writes: Mapping[str, Taint] = _NO_WRITES,
        uses_secret: bool = False,
        parse_errors: int = 0,
    ) -> None:
        self.argv: Final = argv
        self.outputs: Final = outputs
        self.traces: Final = traces
        self.verbose: Final = verbose
        self.hardcoded: Final = hardcoded
        self.markers: Final = markers
        # Values handed to later steps: GITHUB_ENV name -> taint, GITHUB_OUTPUT name -> taint.
        self.env_writes: Final = env_writes
        self.output_writes: Final = output_writes
        self.uses_secret: Final = uses_secret  # any secret-bearing expansion in the script
        self.parse_errors: Final = parse_errors


@dataclass
class FactsBuilder:
    """The walkers' scratch space while a script is analysed; frozen when done."""

    argv: list[ArgvUse] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    verbose: list[Verbose] = field(default_factory=list)
    hardcoded: list[Hardcoded] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    env_writes: dict[str, Taint] = field(default_factory=dict)
    output_writes: dict[str, Taint] = field(default_factory=dict)
    uses_secret: bool = False
    parse_errors: int = 0

    def freeze(self) -> ScriptFacts:
        return ScriptFacts(
            tuple(self.argv),
            tuple(self.outputs),
            tuple(self.traces),
            tuple(self.verbose),
            tuple(self.hardcoded),
            tuple(self.markers),
            dict(self.env_writes),
            dict(self.output_writes),
            self.uses_secret,
            self.parse_errors,
        )


# Shared: bash and PowerShell classify argv words with it, and secret-in-url reads it.
def url_part(text: str, start: int, end: int) -> str:
    """Is ``text[start:end]`` in a URL's userinfo or query string? ("" if neither)."""
    scheme = text.rfind("://", 0, start)
    if scheme < 0:
        return ""
    authority_end = len(text)
    for sep in "/?#":
        pos = text.find(sep, scheme + 3)
        if pos >= 0:
            authority_end = min(authority_end, pos)
    if start < authority_end:
        at = text.find("@", end, authority_end)
        if at >= 0 and not any(ch.isspace() for ch in text[scheme:start] + text[end:at]):
            return "userinfo"
        return ""
    if any(ch.isspace() for ch in text[scheme:start]):
        return ""
    # Paths and query strings are logged by servers and proxies alike (Telegram's
    # `/bot<token>/`, signed paths); only the host part stays "plain".
    return "query string" if text.find("?", scheme + 3, start) >= 0 else "path"
