"""Shell analysis of ``run:`` scripts with tree-sitter-bash.

Each ``${{ … }}`` is replaced by a same-length placeholder word before parsing (bash cannot
parse template syntax, and GitHub substitutes it before the shell runs, even inside single
quotes). The walker then follows secret-bearing values through variables, ``$(…)``, pipes
and redirections in program order, and records *facts*: a secret on an external command's
argv, a secret written to the log/summary/``GITHUB_ENV``/a file, an environment dump, a
trace, a verbose client. Rules turn facts into findings; nothing here knows about rules.

Offsets in every fact are character offsets into the script (the YAML scalar's value).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Literal

from wabaguard.workflows.taint import Taint, union

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


@functools.cache
def _parser() -> Any:
    """The tree-sitter parser, created lazily once per process."""
    import tree_sitter
    import tree_sitter_bash

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


# --- command knowledge ---------------------------------------------------------------------

# Builtins run inside the shell: no exec, nothing in /proc/<pid>/cmdline.
BUILTINS = frozenset(
    {"echo", "printf", "test", "[", "[[", "read", "export", "local", "declare", "typeset",
     "readonly", ":", "true", "false", "cd", "pushd", "popd", "set", "unset", "shift",
     "source", ".", "eval", "exit", "return", "trap", "wait", "let", "mapfile", "readarray",
     "alias", "unalias", "type", "hash", "umask", "ulimit", "getopts", "shopt", "builtin",
     "command", "kill", "jobs", "fg", "bg", "history", "caller", "compgen", "complete",
     "dirs", "disown", "enable", "help", "logout", "pwd", "suspend", "times", "break",
     "continue"}
)  # fmt: skip
# Commands that run another command given as their arguments (all of it is argv).
_WRAPPERS = frozenset(
    {"sudo", "env", "nohup", "time", "timeout", "nice", "stdbuf", "doas", "xargs", "exec",
     "command", "builtin", "retry", "unbuffer"}
)  # fmt: skip
# Filters whose stdout is a transformation of their input: masking no longer matches it.
_TRANSFORMERS = frozenset(
    {"base64", "base32", "basenc", "xxd", "od", "hexdump", "rev", "cut", "tr", "sed", "awk",
     "gawk", "mawk", "jq", "yq", "openssl", "gzip", "fold", "iconv", "perl"}
)  # fmt: skip
# Filters that pass their input through unchanged (a line, or all of it).
_PASSTHROUGH = frozenset(
    {"cat", "tee", "head", "tail", "sort", "uniq", "grep", "egrep", "fgrep", "tac", "column",
     "less", "more", "strings", "nl"}
)  # fmt: skip
_DUMP_SANITIZERS = frozenset({"cut", "awk", "gawk", "sed", "wc", "md5sum", "sha256sum"})
_DOCKERS = frozenset({"docker", "podman", "nerdctl", "docker-compose"})
_MYSQL = frozenset({"mysql", "mysqldump", "mariadb", "mysqladmin"})
_SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ksh"})
# Script names that say they produce a credential: mint-token, make-jwt, get-creds.sh…
_MINT_NAME = re.compile(
    r"(?i)(mint|make|get|create|gen|issue|fetch|print|new|sign|request|obtain|exchange)"
    # \w{0,40}? bounds each attempt: unbounded, a long word rescans from every "get"/"new"…
    r"[-_]?\w{0,40}?(token|jwt|cred|secret|passw|otp)|^(jwt|token)[-_]?(mint|gen|create|issue)"
)
_JQ_TOKEN = re.compile(r"(?i)token|jwt|password|secret")
_VERBOSE_ENV = MappingProxyType(
    {
    "GIT_TRACE": None, "GIT_TRACE_CURL": None, "GIT_CURL_VERBOSE": None,
    "GIT_TRACE_PACKET": None, "TF_LOG": {"debug", "trace"}, "CURLOPT_VERBOSE": None,
}
)  # fmt: skip
_FALSY = frozenset({"", "0", "false", "no", "off"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DUMMY_VALUES = frozenset(
    {"password", "passwd", "secret", "changeme", "example", "dummy", "test", "testing",
     "root", "admin", "user", "xxxxxx", "******", "redacted", "placeholder"}
)  # fmt: skip


def verbose_env(name: str, value: str) -> bool:
    """Does setting ``name=value`` make a client log HTTP traffic (auth headers included)?"""
    if name not in _VERBOSE_ENV:
        return False
    allowed = _VERBOSE_ENV[name]
    lowered = value.strip().strip("'\"").lower()
    if allowed is None:
        return lowered not in _FALSY
    return lowered in allowed


def looks_like_dummy(value: str) -> bool:
    lowered = value.lower()
    return (
        len(value) < 6
        or lowered in _DUMMY_VALUES
        or lowered.startswith(("<", "$", "%", "{{"))
        or len(set(lowered)) <= 2
    )


# --- preparing the script ------------------------------------------------------------------


def sanitize(script: str, placeholders: Sequence[Placeholder]) -> str:
    """Same-length text for tree-sitter: placeholders become ``_`` runs, non-ASCII ``x``.

    Keeping every character one byte long makes tree-sitter's byte offsets equal to our
    character offsets, with no conversion table.
    """
    chars = list(script)
    for ph in placeholders:
        for i in range(ph.start, min(ph.end, len(chars))):
            chars[i] = "_"
    out = "".join(chars)
    if not out.isascii():
        out = "".join(c if c < "\x80" else "x" for c in out)
    return out.replace("\r", " ")


class _Dest:
    __slots__ = ("path", "sink")

    def __init__(self, sink: Sink | Literal["pipe", "capture"], path: str = "") -> None:
        self.sink: Final = sink
        self.path: Final = path


_WORD_NODES = frozenset(
    {"variable_name", "word", "string", "raw_string", "concatenation", "simple_expansion",
     "expansion", "number", "extglob_pattern", "regex"}
)  # fmt: skip
_LOG = _Dest("log")
_PIPE = _Dest("pipe")
_CAPTURE = _Dest("capture")


class _Word:
    # A slotted class, immutable by contract (``Final``): one is built per word of every
    # script, and a frozen dataclass instance cost five times as much.
    __slots__ = ("literal", "node", "site", "taint", "text")

    def __init__(
        self,
        node: Any,
        literal: str | None,
        text: str,
        taint: Taint | None,
        site: tuple[int, int],
    ) -> None:
        self.node: Final = node
        self.literal: Final = literal  # text when it has no expansion (quotes removed)
        self.text: Final = text  # raw sanitized source of the word
        self.taint: Final = taint
        self.site: Final = site  # the tainted part (or the whole word)


def analyze_script(
    script: str,
    placeholders: Sequence[Placeholder],
    env: Mapping[str, Taint],
    *,
    trace_from_start: bool = False,
) -> ScriptFacts:
    """Parse ``script`` once and collect what happens to secret-bearing values in it."""
    text = sanitize(script, placeholders)
    tree = _parser().parse(text.encode("ascii"))
    walker = _Walker(text, sorted(placeholders, key=lambda p: p.start), env, trace_from_start)
    walker.run(tree.root_node)
    return walker.facts.freeze()


class _Walker:
    def __init__(
        self,
        text: str,
        placeholders: list[Placeholder],
        env: Mapping[str, Taint],
        trace_from_start: bool,
    ) -> None:
        self.text = text
        self.placeholders = placeholders
        self.ph_starts = [p.start for p in placeholders]
        self.vars: dict[str, Taint] = dict(env)
        # Function bodies run where they are called, with that call's stdin and stdout.
        self.functions: dict[str, Any] = {}
        self.expanding: set[str] = set()
        # What `<(…)` process substitutions produce, by the word that holds them: the word
        # itself is a /dev/fd path, but a command that reads the file reads the secret.
        self.fd_content: dict[int, Taint] = {}
        self.files: dict[str, Taint] = {}
        self.facts = FactsBuilder()
        self.facts.uses_secret = any(p.taint is not None for p in placeholders)
        self.trace: tuple[int, int, str] | None = (-1, -1, "shell") if trace_from_start else None
        self.trace_reported = False
        self.dump_origin: tuple[int, int, str] | None = None
        self.depth = 0  # nesting of `bash -c '…'` scripts

    # -- helpers ------------------------------------------------------------------------------

    def src(self, node: Any) -> str:
        return self.text[node.start_byte : node.end_byte]

    def placeholder_taint(self, start: int, end: int) -> tuple[Taint | None, tuple[int, int]]:
        """What the ``${{ }}`` expressions overlapping ``[start, end)`` carry, and where."""
        taint: Taint | None = None
        site = (start, end)
        i = bisect.bisect_left(self.ph_starts, end) - 1
        while i >= 0:
            ph = self.placeholders[i]
            if ph.end <= start:
                break
            if ph.taint is not None:
                if taint is None:
                    site = (max(ph.start, start), min(ph.end, end))
                taint = union(taint, ph.taint.as_inline())
            i -= 1
        return taint, site

    def in_scope_secrets(self) -> Taint | None:
        out: Taint | None = None
        for name, taint in self.vars.items():
            if not taint.dump and not taint.minted:
                out = union(out, Taint(frozenset({f"${name}"}) | taint.sources))
        return out

    # -- words --------------------------------------------------------------------------------

    def word(self, node: Any) -> _Word:
        taint, site = self.value_taint(node)
        return _Word(node, self.literal(node), self.src(node), taint, site)

    def literal(self, node: Any) -> str | None:
        kind = node.type
        if kind in ("word", "number", "test_operator", "file_descriptor"):
            return self.src(node)
        if kind == "raw_string":
            return self.src(node)[1:-1]
        if kind == "string":
            parts: list[str] = []
            for child in node.named_children:
                if child.type != "string_content":
                    return None
                parts.append(self.src(child))
            return "".join(parts)
        if kind == "concatenation":
            pieces: list[str] = []
            for child in node.named_children:
                lit = self.literal(child)
                if lit is None:
                    return None
                pieces.append(lit)
            return "".join(pieces)
        return None

    def value_taint(self, node: Any) -> tuple[Taint | None, tuple[int, int]]:
        """What a word (or any expansion-bearing node) carries, and where the carrier is."""
        kind = node.type
        start, end = node.start_byte, node.end_byte
        if kind in ("word", "string_content", "raw_string", "number", "test_operator",
                    "heredoc_content", "regex", "extglob_pattern"):  # fmt: skip
            return self.placeholder_taint(start, end)
        if kind == "simple_expansion":
            name_node = node.named_children[0] if node.named_child_count else None
            if name_node is None:
                return None, (start, end)
            taint = self.vars.get(self.src(name_node))
            if taint is None:
                ph, site = self.placeholder_taint(start, end)
                return ph, site
            return taint, (start, end)
        if kind == "expansion":
            return self.expansion_taint(node), (start, end)
        if kind == "command_substitution":
            return self.substitution(node), (start, end)
        if kind == "process_substitution":
            out = self.substitution(node)
            if out is not None:
                self.fd_content[start] = out
            return None, (start, end)
        if kind in ("arithmetic_expansion", "ansi_c_string", "translated_string"):
            return self.placeholder_taint(start, end)
        taint = None
        site = (start, end)
        for child in node.named_children:
            child_taint, child_site = self.value_taint(child)
            if child_taint is not None and taint is None:
                site = child_site
            taint = union(taint, child_taint)
        return taint, site

    def expansion_taint(self, node: Any) -> Taint | None:
        children = node.children
        name: str | None = None
        operators: list[str] = []
        rest: list[Any] = []
        for child in children:
            if child.type == "variable_name" and name is None:
                name = self.src(child)
            elif child.type in ("${", "}"):
                continue
            elif not child.is_named:
                operators.append(child.type)
            else:
                rest.append(child)
        if (
            operators
            and operators[0] in ("#", "!")
            and (name is None or children[1].type in ("#", "!"))
        ):
            return None  # ${#VAR} (length) and ${!VAR} (indirection) do not carry the value
        base = self.vars.get(name) if name else None
        if base is None:
            ph, _ = self.placeholder_taint(node.start_byte, node.end_byte)
            base = ph
        if operators and operators[0] not in (":-", "-", ":=", "=", ":?", "?", ":+", "+"):
            base = base.as_derived() if base is not None else None  # substring, replace, case
        for child in rest:
            base = union(base, self.value_taint(child)[0])
        return base

    def substitution(self, node: Any) -> Taint | None:
        out: Taint | None = None
        for child in node.named_children:
            out = union(out, self.statement(child, None, _CAPTURE))
        return out

    # -- statements ---------------------------------------------------------------------------

    def run(self, root: Any) -> None:
        for child in root.named_children:
            self.statement(child, None, _LOG)
        if root.has_error:
            self.facts.parse_errors += 1

    def statement(self, node: Any, stdin: Taint | None, dest: _Dest) -> Taint | None:
        kind = node.type
        if kind == "command":
            return self.command(node, stdin, dest, [])
        if kind == "pipeline":
            out: Taint | None = stdin
            parts = [c for c in node.named_children]
            for i, part in enumerate(parts):
                out = self.statement(part, out, dest if i == len(parts) - 1 else _PIPE)
            return out
        if kind == "redirected_statement":
            return self.redirected(node, stdin, dest)
        if kind == "variable_assignment":
            self.assign(node)
            return None
        if kind == "variable_assignments":
            for child in node.named_children:
                self.assign(child)
            return None
        if kind == "declaration_command":
            return self.declaration(node, dest)
        if kind == "unset_command":
            for child in node.named_children:
                self.vars.pop(self.src(child), None)
            return None
        if kind == "function_definition":
            name = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            if name is not None and body is not None:
                self.functions[self.src(name)] = body
            return None
        if kind in ("comment", "heredoc_body"):
            return None
        if kind == "test_command":
            for child in node.named_children:
                self.value_taint(child)  # command substitutions inside still run
            return None
        if kind == "for_statement":
            self.for_loop(node)  # the loop variable is set before the body runs
        # Compound statements and lists: every nested statement with the same output. Words
        # (loop values, case subjects and patterns) are not statements.
        out = None
        for child in node.named_children:
            if child.type in _WORD_NODES:
                continue
            out = union(out, self.statement(child, stdin if kind == "list" else None, dest))
        return out

    def for_loop(self, node: Any) -> None:
        var = node.child_by_field_name("variable")
        if var is None:
            return
        taint: Taint | None = None
        for child in node.children_by_field_name("value"):
            taint = union(taint, self.value_taint(child)[0])
        if taint is not None:
            self.vars[self.src(var)] = taint

    def assign(self, node: Any) -> None:
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name_node is None:
            return
        name = self.src(name_node)
        taint = self.value_taint(value)[0] if value is not None else None
        self.note_traced(node, taint)
        self.check_verbose_assignment(name, value, node)
        if taint is None:
            self.vars.pop(name, None)
        else:
            self.vars[name] = taint

    def declaration(self, node: Any, dest: _Dest) -> Taint | None:
        words = [c for c in node.children if c.is_named]
        names = [w for w in words if w.type in ("variable_name", "variable_assignment", "word")]
        options = [self.src(w) for w in words if self.src(w).startswith("-")]
        for child in words:
            if child.type == "variable_assignment":
                self.assign(child)
        keyword = node.children[0].type if node.child_count else ""
        plain_names = [w for w in names if not self.src(w).startswith("-")]
        dumps = (keyword == "export" and (not plain_names or "-p" in options)) or (
            keyword in ("declare", "typeset") and not plain_names
        )
        if dumps:
            return self.dump(node, dest)
        return None

    def redirected(self, node: Any, stdin: Taint | None, dest: _Dest) -> Taint | None:
        body = node.child_by_field_name("body")
        new_dest = dest
        redirects: list[Any] = []
        for child in node.children:
            if child.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                redirects.append(child)
                redirects.extend(c for c in child.named_children if c.type == "file_redirect")
        stdin_site: tuple[int, int] | None = None
        for redirect in redirects:
            if redirect.type in ("herestring_redirect", "heredoc_redirect"):
                fed, site = self.stdin_of(redirect)
                stdin = union(stdin, fed)
                stdin_site = stdin_site or site
            else:
                target = self.redirect_dest(redirect)
                if target is not None:
                    new_dest = target
        if body is None:
            return None
        if body.type == "command":
            return self.command(body, stdin, new_dest, redirects, stdin_site)
        return self.statement(body, stdin, new_dest)

    def heredoc_taint(self, redirect: Any) -> tuple[Taint | None, tuple[int, int] | None]:
        quoted = False
        for child in redirect.named_children:
            if child.type == "heredoc_start":
                quoted = any(q in self.src(child) for q in "'\"\\")
            elif child.type == "heredoc_body":
                if quoted:  # no shell expansion, but GitHub's ${{ }} substitution still runs
                    taint, site = self.placeholder_taint(child.start_byte, child.end_byte)
                else:
                    taint, site = self.value_taint(child)
                return taint, (site if taint is not None else None)
        return None, None

    def stdin_of(self, redirect: Any) -> tuple[Taint | None, tuple[int, int] | None]:
        """What a here-string or heredoc feeds to stdin, and where the secret sits in it."""
        if redirect.type == "heredoc_redirect":
            return self.heredoc_taint(redirect)
        taint: Taint | None = None
        site: tuple[int, int] | None = None
        for child in redirect.named_children:
            child_taint, child_site = self.value_taint(child)
            if child_taint is not None and site is None:
                site = child_site
            taint = union(taint, child_taint)
        return taint, site

    def redirect_dest(self, redirect: Any) -> _Dest | None:
        descriptor = None
        operator = ""
        target = None
        for child in redirect.children:
            if child.type == "file_descriptor":
                descriptor = self.src(child)
            elif not child.is_named:
                operator = child.type
            elif target is None:
                target = child
        if operator.startswith("<") or target is None:
            return None
        if descriptor not in (None, "1") and operator != "&>":
            return None  # stderr redirections do not move stdout
        raw = self.src(target)
        if operator in (">&", "&>") and raw in ("1", "2"):
            return _LOG if raw == "2" else None
        return classify_path(raw)

    # -- commands -----------------------------------------------------------------------------

    def command(
        self,
        node: Any,
        stdin: Taint | None,
        dest: _Dest,
        redirects: list[Any],
        stdin_site: tuple[int, int] | None = None,
    ) -> Taint | None:
        prefix_env: list[Any] = []
        name_node = None
        args: list[Any] = []
        for child in node.children:
            kind = child.type  # a new string on every access: read it once
            if kind == "variable_assignment":
                prefix_env.append(child)
                continue
            if kind == "command_name":
                name_node = child
                continue
            if kind in ("herestring_redirect", "file_redirect", "heredoc_redirect"):
                redirects = [*redirects, child]
                if kind in ("herestring_redirect", "heredoc_redirect"):
                    fed, fed_site = self.stdin_of(child)
                    stdin = union(stdin, fed)
                    stdin_site = stdin_site or fed_site
                else:
                    target = self.redirect_dest(child)
                    if target is not None:
                        dest = target
                continue
            if child.is_named and kind != "comment":
                args.append(child)
        if name_node is None:
            for assignment in prefix_env:
                self.assign(assignment)
            return None
        name_word = self.word(
            name_node.named_children[0] if name_node.named_child_count else name_node
        )
        words = [self.word(a) for a in args]
        # `VAR=value cmd`: the value goes to cmd's environment, not its argv.
        prefix_taint: Taint | None = None
        for assignment in prefix_env:
            value = assignment.child_by_field_name("value")
            name = assignment.child_by_field_name("name")
            if value is not None:
                value_taint = self.value_taint(value)[0]
                self.note_traced(assignment, value_taint)
                prefix_taint = union(prefix_taint, value_taint)
                if name is not None:
                    self.check_verbose_assignment(self.src(name), value, assignment)
        name = name_word.literal if name_word.literal is not None else ""
        base = name.rsplit("/", 1)[-1]
        # Resolve wrappers (sudo, env, xargs…) to the command they run.
        effective, eff_index = self.effective_command(base, words)
        is_builtin = (
            "/" not in name and base in BUILTINS and base not in ("command", "builtin", "exec")
        ) or name in self.functions
        if base in ("command", "builtin") and effective in BUILTINS:
            is_builtin = True
        for w in (name_word, *words):
            self.note_traced(w.node, w.taint)
        if name in self.functions:
            return self.call(name, stdin, dest)

        if name_word.taint is not None and not is_builtin:
            self.facts.argv.append(ArgvUse(*name_word.site, name_word.taint, "(dynamic)", "plain"))

        # argv of an external program
        if not is_builtin:
            self.external_argv(effective, eff_index, words)
            if base == "xargs" and stdin is not None:
                self.facts.argv.append(
                    ArgvUse(
                        name_word.node.start_byte, name_word.node.end_byte, stdin, "xargs", "plain"
                    )
                )
            self.hardcoded_args(effective, words[eff_index:])
            self.verbose_flags(effective, words[eff_index:], stdin, prefix_taint, name_word)
            self.markers(effective, words[eff_index:], name_word)
            if effective in _SHELLS and any(
                w.literal is not None and _short_flags(w.literal, "x") for w in words[eff_index:]
            ):
                self.trace_child(name_word)
            if effective in _SHELLS:
                self.nested_script(words[eff_index:], stdin, dest)

        out: Taint | None = None
        site = (name_word.node.start_byte, name_word.node.end_byte)
        lits = [w.literal for w in words]
        if effective in ("echo", "printf") and (is_builtin or "/" in name or base == effective):
            out, site = self.print_builtin(effective, words[eff_index:], node)
            if out is None and self.masked_command(effective, words[eff_index:]):
                return None
        elif is_builtin and base == "set":
            self.set_builtin(words, name_word)
            if not words:
                out = self.dump_taint(site, "set")
        elif is_builtin and base in ("read", "mapfile", "readarray"):
            for lit in lits:
                if lit is not None and _NAME.fullmatch(lit) and stdin is not None:
                    self.vars[lit] = stdin
            return None
        elif (
            effective == "env"
            and all((w.literal or "").startswith("-") for w in words[eff_index:])
            and not any("=" in (w.literal or "") for w in words)
        ):
            out = self.dump_taint(site, "env")
        elif effective == "printenv":
            rest = [w.literal for w in words[eff_index:] if not (w.literal or "").startswith("-")]
            if not rest:
                out = self.dump_taint(site, "printenv")
            else:
                for var in rest:
                    if var is not None and var in self.vars:
                        out = union(out, self.vars[var])
        elif effective in _PASSTHROUGH:
            out = stdin
            if stdin is not None and stdin_site is not None:
                site = stdin_site
            out = union(out, self.read_files(words[eff_index:]))
            if effective == "grep" and any(
                _short_flags(w.literal or "", "cqlL") for w in words[eff_index:]
            ):
                out = None
            if effective == "tee":
                for w in words[eff_index:]:
                    if (w.literal is not None and not w.literal.startswith("-")) or (
                        w.literal is None and w.taint is None
                    ):
                        target = classify_path(w.text)
                        if out is not None and target.sink != "null":
                            self.emit(
                                out, target, (w.node.start_byte, w.node.end_byte), "tee", None
                            )
        elif effective in _TRANSFORMERS:
            out = stdin
            if stdin is not None and stdin_site is not None:
                site = stdin_site
            out = union(out, self.read_files(words[eff_index:]))
            if effective == "openssl" and [w.literal for w in words[eff_index:]][:1] not in (
                ["enc"],
                ["base64"],
            ):
                out = None  # digests, HMACs and signatures do not reveal their input
            if out is not None and out.dump:
                out = None if effective in _DUMP_SANITIZERS else out
            elif out is not None:
                out = out.as_derived()
            # `curl …/oauth/token | jq -r .access_token` mints; jq over a secret transforms it.
            fed_secret = stdin is not None and not stdin.minted
            if (
                effective == "jq"
                and not fed_secret
                and any(_JQ_TOKEN.search(w.text) for w in words[eff_index:])
            ):
                out = union(out, self.minted(effective))
        elif effective == "wc":
            out = None
        if effective and not is_builtin and self.is_minting(effective, words[eff_index:], dest):
            out = union(out, self.minted(effective))
        if out is None:
            return None
        return self.emit(
            out, dest, site, effective or base, words if effective in ("echo", "printf") else None
        )

    def nested_script(self, words: list[_Word], stdin: Taint | None, dest: _Dest) -> None:
        """``bash -c '…'``: the single-quoted script runs in a child shell with our env.

        It is parsed in place (everything else blanked), so its offsets are the script's own.
        Double-quoted scripts were expanded by this shell already and are argv as a whole.
        """
        for i, w in enumerate(words[:-1]):
            lit = w.literal or ""
            if not (_short_flags(lit, "c") and lit.endswith("c")):
                continue
            inner = words[i + 1]
            if inner.node.type != "raw_string" or self.depth > 8:
                return
            start, end = inner.node.start_byte + 1, inner.node.end_byte - 1
            blank = "".join(c if c == "\n" else " " for c in self.text[:start])
            text = blank + self.text[start:end]
            tree = _parser().parse(text.encode("ascii"))
            child = _Walker(text, self.placeholders, self.vars, False)
            child.facts = self.facts
            child.depth = self.depth + 1
            for node in tree.root_node.named_children:
                child.statement(node, stdin, dest)
            return

    def call(self, name: str, stdin: Taint | None, dest: _Dest) -> Taint | None:
        """Run a shell function's body at its call site (not recursively)."""
        if name in self.expanding:
            return None
        self.expanding.add(name)
        try:
            return self.statement(self.functions[name], stdin, dest)
        finally:
            self.expanding.discard(name)

    def read_files(self, words: list[_Word]) -> Taint | None:
        """What file arguments contain: files written earlier, or `<(…)` output."""
        out: Taint | None = None
        for w in words:
            if w.text.startswith("-"):
                continue
            out = union(out, self.files.get(w.text.strip("\"'")))
            for start, taint in self.fd_content.items():
                if w.node.start_byte <= start < w.node.end_byte:
                    out = union(out, taint)
        return out

    def effective_command(self, base: str, words: list[_Word]) -> tuple[str, int]:
        index = 0
        current = base
        while current in _WRAPPERS:
            # Skip options and VAR=value words, and timeout's duration.
            while index < len(words):
                lit = words[index].literal
                raw = words[index].text
                name = _NAME.match(raw)
                if name and raw[name.end() : name.end() + 1] == "=":
                    index += 1  # VAR=value, expansions allowed
                    continue
                if lit is None:
                    break
                if lit.startswith("-") or (current == "timeout" and lit[:1].isdigit()):
                    index += 1
                    continue
                break
            if index >= len(words):
                return current, index
            nxt = words[index].literal
            if nxt is None:
                return "", index
            current = nxt.rsplit("/", 1)[-1]
            index += 1
        return current, index

    def external_argv(self, effective: str, start: int, words: list[_Word]) -> None:
        sub = _subcommand(effective, words[start:])
        for i, w in enumerate(words):
            if w.taint is None:
                if (
                    effective in _DOCKERS
                    and sub == "build"
                    and i > 0
                    and (words[i - 1].literal == "--build-arg")
                    and w.literal is not None
                    and w.literal in self.vars
                    and "=" not in w.literal
                ):
                    taint = self.vars[w.literal]
                    self.facts.argv.append(
                        ArgvUse(
                            w.node.start_byte,
                            w.node.end_byte,
                            taint,
                            effective,
                            "docker",
                            "--build-arg",
                        )
                    )
                continue
            prev = words[i - 1].literal if i > 0 else None
            category, detail = self.argv_category(effective, sub, w, prev)
            self.facts.argv.append(
                ArgvUse(*w.site, w.taint, effective or "(dynamic)", category, detail)
            )

    def argv_category(
        self, effective: str, sub: str, w: _Word, prev: str | None
    ) -> tuple[ArgvCategory, str]:
        text = w.text
        if effective in _DOCKERS:
            if sub == "build" and (prev == "--build-arg" or text.startswith("--build-arg=")):
                return "docker", "--build-arg"
            if sub in ("run", "create", "exec") and (
                prev in ("-e", "--env") or text.startswith(("--env=", "-e"))
            ):
                return "docker", "-e"
            if sub == "login" and (
                prev in ("-p", "--password") or text.startswith(("--password=", "-p"))
            ):
                return "docker", "--password"
        part = url_part(text, w.site[0] - w.node.start_byte, w.site[1] - w.node.start_byte)
        if part:
            return "url", part
        return "plain", ""

    def print_builtin(
        self, effective: str, words: list[_Word], node: Any
    ) -> tuple[Taint | None, tuple[int, int]]:
        out: Taint | None = None
        site = (node.start_byte, node.end_byte)
        skip_next = False
        for i, w in enumerate(words):
            if skip_next:
                skip_next = False
                continue
            if effective == "printf" and w.literal == "-v" and i + 1 < len(words):
                skip_next = True
                continue
            if w.taint is not None:
                if out is None:
                    site = w.site
                out = out.union(w.taint) if out is not None else w.taint
        if effective == "printf" and words and words[0].literal == "-v" and len(words) > 1:
            target = words[1].literal
            if target:
                if out is None:
                    self.vars.pop(target, None)
                else:
                    self.vars[target] = out
            return None, site
        first = next((w for w in words if not (w.literal or "").startswith("-")), None)
        if first is not None and "::add-mask::" in first.text[:20]:
            return None, site
        return out, site

    def masked_command(self, effective: str, words: list[_Word]) -> bool:
        """``echo "::add-mask::$V"``: V becomes a registered secret (a minted one is safe)."""
        first = next((w for w in words if not (w.literal or "").startswith("-")), None)
        if first is None or "::add-mask::" not in first.text[:20]:
            return False
        for w in words:
            for name in self.expanded_names(w.node):
                taint = self.vars.get(name)
                if taint is None:
                    continue
                # Masked from here on: no longer a transform or an unregistered credential,
                # but still a secret (on argv, in a file, printed).
                self.vars[name] = taint.masked()
        return True

    def expanded_names(self, node: Any) -> Iterator[str]:
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in ("simple_expansion", "expansion"):
                for child in current.named_children:
                    if child.type == "variable_name":
                        yield self.src(child)
                        break
                continue
            stack.extend(current.named_children)

    def set_builtin(self, words: list[_Word], name_word: _Word) -> None:
        i = 0
        while i < len(words):
            lit = words[i].literal or ""
            if lit in ("-o", "+o") and i + 1 < len(words):
                if words[i + 1].literal == "xtrace":
                    self.set_trace(lit == "-o", name_word, words[i + 1])
                i += 2
                continue
            if lit.startswith("-") and _short_flags(lit, "x"):
                self.set_trace(True, name_word, words[i])
            elif lit.startswith("+") and "x" in lit[1:]:
                self.set_trace(False, name_word, words[i])
            i += 1

    def set_trace(self, on: bool, name_word: _Word, flag: _Word) -> None:
        if on:
            if self.trace is None:
                self.trace = (name_word.node.start_byte, flag.node.end_byte, "set -x")
                self.trace_reported = False
        else:
            self.trace = None

    def trace_child(self, name_word: _Word) -> None:
        scope = self.in_scope_secrets()
        if scope is not None:
            self.facts.traces.append(
                Trace(
                    name_word.node.start_byte,
                    name_word.node.end_byte,
                    f"{name_word.literal} -x",
                    scope,
                )
            )

    def note_traced(self, node: Any, taint: Taint | None) -> None:
        if self.trace is None or taint is None or self.trace_reported:
            return
        start, end, what = self.trace
        self.facts.traces.append(Trace(start, end, what, taint))
        self.trace_reported = True

    def dump_taint(self, site: tuple[int, int], command: str) -> Taint | None:
        scope = self.in_scope_secrets()
        if scope is None:
            return None
        # Report the dump at the command that dumps, wherever the pipeline ends.
        self.dump_origin = (site[0], site[1], command)
        return Taint(scope.sources, dump=True)

    def dump(self, node: Any, dest: _Dest) -> Taint | None:
        keyword = node.children[0].type if node.child_count else "export"
        out = self.dump_taint((node.start_byte, node.end_byte), keyword)
        if out is None:
            return None
        return self.emit(out, dest, (node.start_byte, node.end_byte), keyword, None)

    def minted(self, command: str) -> Taint:
        return Taint(frozenset({f"minted:{command}"}), minted=True)

    def is_minting(self, effective: str, words: list[_Word], dest: _Dest) -> bool:
        """Does this command print a credential it creates (an access token, a JWT…)?

        Known CLIs count wherever their output goes; scripts named like ``mint-token`` only
        when their output is captured or piped (``./use-token.sh`` prints other things).
        """
        lits = [w.literal or "" for w in words]
        if effective == "gcloud":
            return "print-access-token" in lits or "print-identity-token" in lits
        if effective == "aws":
            return (
                "get-login-password" in lits
                or "get-authorization-token" in lits
                or (
                    "sts" in lits
                    and any(
                        x.startswith(("assume-role", "get-session-token", "get-federation-token"))
                        for x in lits
                    )
                )
            )
        if effective == "az":
            return "get-access-token" in lits
        if effective == "vault":
            return any(x.startswith("-field") for x in lits) or "token" in lits[:1]
        if effective == "gh":
            return lits[:2] == ["auth", "token"]
        if effective == "openssl":
            return "-sign" in lits or "sign" in lits[:1]
        if effective in ("curl", "wget"):
            return any(
                ("oauth" in w.text.lower() or "/token" in w.text.lower()) and "://" in w.text
                for w in words
            )
        if effective in _TRANSFORMERS or effective in _PASSTHROUGH or effective in BUILTINS:
            return False
        return dest.sink in ("pipe", "capture") and bool(_MINT_NAME.search(effective))

    def emit(
        self,
        taint: Taint,
        dest: _Dest,
        site: tuple[int, int],
        command: str,
        words: list[_Word] | None,
    ) -> Taint | None:
        """Route output to its destination: pass it on (pipe/capture) or record a sink."""
        if dest.sink in ("pipe", "capture"):
            return taint
        if dest.sink == "null":
            return None
        if taint.dump and self.dump_origin is not None:
            site, command = self.dump_origin[:2], self.dump_origin[2]
        name = ""
        if dest.sink in ("github-env", "github-output") and words:
            name = _assignment_name(words)
            if name:
                target = (
                    self.facts.env_writes
                    if dest.sink == "github-env"
                    else (self.facts.output_writes)
                )
                target[name] = union(target.get(name), taint) or taint
        if dest.sink == "file" and dest.path:
            self.files[dest.path] = union(self.files.get(dest.path), taint) or taint
        self.facts.outputs.append(
            Output(site[0], site[1], taint, dest.sink, command, name, dest.path)  # type: ignore[arg-type]
        )
        return None

    def check_verbose_assignment(self, name: str, value: Any, node: Any) -> None:
        if name not in _VERBOSE_ENV or value is None:
            return
        literal = self.literal(value)
        if literal is not None and verbose_env(name, literal) and self.in_scope_secrets():
            self.facts.verbose.append(
                Verbose(node.start_byte, node.end_byte, name, f"{name}={literal}")
            )

    def verbose_flags(
        self,
        effective: str,
        words: list[_Word],
        stdin: Taint | None,
        prefix_taint: Taint | None,
        name_word: _Word,
    ) -> None:
        flag = next((w for w in words if _is_verbose_flag(effective, w.literal or "")), None)
        if flag is None:
            return
        uses = (
            stdin is not None or prefix_taint is not None or any(w.taint is not None for w in words)
        )
        if effective not in ("curl", "wget"):
            uses = uses or self.in_scope_secrets() is not None
        if uses:
            self.facts.verbose.append(
                Verbose(flag.node.start_byte, flag.node.end_byte, effective, flag.literal or "")
            )

    def hardcoded_args(self, effective: str, words: list[_Word]) -> None:
        """Literal passwords on the command line (``curl -u user:pass``, ``--password x``)."""
        for i, w in enumerate(words):
            lit = w.literal
            if lit is None:
                continue
            prev = words[i - 1].literal if i else None
            flag, value = prev, lit
            if lit.startswith("--") and "=" in lit:
                flag, value = lit.split("=", 1)  # --password=value, --user=u:p
            what = ""
            if effective in ("curl", "wget") and flag in ("-u", "--user"):
                user, sep, password = value.partition(":")
                if user and sep and not looks_like_dummy(password):
                    what = f"`{effective} {flag}` user:password"
            elif effective in _MYSQL and lit.startswith("-p") and len(lit) > 2:
                if not looks_like_dummy(lit[2:]):
                    what = f"`{effective} -p` password"
            elif flag == "--password" or (effective in (*_DOCKERS, "sshpass") and flag == "-p"):
                if not value.startswith("-") and not looks_like_dummy(value):
                    what = f"`{effective} {flag}` value"
            elif "://" in lit:
                scheme = lit.find("://")
                at = lit.find("@", scheme + 3)
                slash = lit.find("/", scheme + 3)
                if at > 0 and (slash < 0 or at < slash):
                    _, sep, password = lit[scheme + 3 : at].partition(":")
                    if sep and not looks_like_dummy(password):
                        what = "password in a URL"
            if what:
                self.facts.hardcoded.append(Hardcoded(w.node.start_byte, w.node.end_byte, what))

    def markers(self, effective: str, words: list[_Word], name_word: _Word) -> None:
        lits = [w.literal or "" for w in words]
        site = (name_word.node.start_byte, name_word.node.end_byte)
        if effective == "gh" and lits[:2] == ["pr", "checkout"]:
            self.facts.markers.append(Marker(*site, "pr-checkout", "gh pr checkout"))
        if (
            effective == "git"
            and lits[:1] in (["fetch"], ["pull"])
            and any("pull/" in x or "refs/pull" in x for x in lits)
        ):
            self.facts.markers.append(Marker(*site, "pr-checkout", "git fetch pull/…"))
        secretful = any(w.taint is not None for w in words)
        if effective in _DOCKERS and lits[:1] == ["login"]:
            self.facts.markers.append(Marker(*site, "credential-file", "~/.docker/config.json"))
        if effective == "npm" and lits[:2] == ["config", "set"] and secretful:
            self.facts.markers.append(Marker(*site, "credential-file", "~/.npmrc"))
        if (
            effective == "git"
            and lits[:1] == ["clone"]
            and any(w.taint is not None and "@" in w.text for w in words)
        ):
            self.facts.markers.append(Marker(*site, "credential-file", ".git/config"))


_VERBOSE_FLAGS = MappingProxyType(
    {
        "curl": frozenset({"--verbose", "--trace", "--trace-ascii"}),
        "wget": frozenset({"-d", "--debug"}),
        "aws": frozenset({"--debug"}),
        "az": frozenset({"--debug"}),
        "helm": frozenset({"--debug"}),
        "gcloud": frozenset({"--log-http", "--verbosity=debug"}),
        "npm": frozenset({"--verbose", "--loglevel=silly", "--loglevel=verbose", "-dd", "-ddd"}),
    }
)


def _is_verbose_flag(command: str, literal: str) -> bool:
    if literal in _VERBOSE_FLAGS.get(command, ()):
        return True
    if command == "curl":
        return _short_flags(literal, "v")
    if command == "kubectl" and literal.startswith(("-v=", "--v=")):
        level = literal.rsplit("=", 1)[-1]
        return level.isdigit() and int(level) >= 6
    return False


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


def _short_flags(literal: str, letters: str) -> bool:
    """``-x``, ``-euxo``: a short-option cluster containing one of ``letters``."""
    if len(literal) < 2 or literal[0] != "-" or literal[1] == "-":
        return False
    body = literal[1:]
    return body.isalpha() and any(ch in body for ch in letters)


def _subcommand(effective: str, words: list[_Word]) -> str:
    if effective not in _DOCKERS:
        return ""
    lits = [w.literal or "" for w in words]
    positional = [x for x in lits if x and not x.startswith("-")]
    if not positional:
        return ""
    if positional[0] in ("buildx", "image", "builder", "compose") and len(positional) > 1:
        return positional[1]
    if positional[0] == "container" and len(positional) > 1:
        return positional[1]
    return positional[0]


def _assignment_name(words: list[_Word]) -> str:
    """``echo "NAME=…"`` / ``printf 'NAME=%s' …`` / ``echo "NAME<<EOF"`` -> NAME."""
    for w in words:
        raw = w.text.lstrip("\"'")
        if raw.startswith("-"):
            continue
        match = _NAME.match(raw)
        if match and raw[match.end() : match.end() + 1] in ("=", "<"):
            return match.group(0)
        return ""
    return ""


def _minted_sources(taint: Taint) -> frozenset[str]:
    return frozenset(s for s in taint.sources if s.startswith("minted:"))


def classify_path(raw: str) -> _Dest:
    """Where a redirection target points: a GitHub command file, the log, null, or a file."""
    stripped = raw.strip("\"'")
    for var, sink in (
        ("GITHUB_STEP_SUMMARY", "summary"),
        ("GITHUB_OUTPUT", "github-output"),
        ("GITHUB_ENV", "github-env"),
        ("GITHUB_PATH", "github-path"),
    ):
        if stripped in (f"${var}", f"${{{var}}}"):
            return _Dest(sink)  # type: ignore[arg-type]
    if stripped in ("/dev/null",):
        return _Dest("null")
    if stripped in ("/dev/stdout", "/dev/stderr", "/dev/tty"):
        return _LOG
    return _Dest("file", stripped)


def is_minted_only(taint: Taint) -> bool:
    return taint.minted and not (taint.sources - _minted_sources(taint))


def from_minting_only(taint: Taint) -> bool:
    """Made in the job (``$(gcloud auth print-access-token)``), masked or not."""
    return bool(taint.sources) and not (taint.sources - _minted_sources(taint))
