"""The walk over one script's tree: statements in program order, and where their output goes.

``Walker`` holds the state of the walk (variables, functions, files written, the trace) and
handles statements; words (``words``), redirections (``redirects``) and simple commands
(``commands``) are functions over it. Every statement returns what it writes to stdout when
that goes on (a pipe, a capture); output that reaches a sink is recorded by ``emit``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from wabaguard.workflows.shells.bash.commands import command
from wabaguard.workflows.shells.bash.programs import VERBOSE_ENV, assignment_name, verbose_env
from wabaguard.workflows.shells.bash.redirects import (
    CAPTURE,
    LOG,
    PIPE,
    REDIRECTS,
    Dest,
    apply_redirects,
)
from wabaguard.workflows.shells.bash.words import Word, literal, value_taint
from wabaguard.workflows.shells.facts import (
    FactsBuilder,
    Output,
    Placeholder,
    Trace,
    Verbose,
)
from wabaguard.workflows.taint import Taint, union

# Nodes that are words (loop values, case subjects and patterns), not statements.
_WORD_NODES = frozenset(
    {"variable_name", "word", "string", "raw_string", "concatenation", "simple_expansion",
     "expansion", "number", "extglob_pattern", "regex"}
)  # fmt: skip


@functools.cache
def parser() -> Any:
    """The tree-sitter parser, created lazily once per process (only bash steps need it)."""
    import tree_sitter
    import tree_sitter_bash

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


class Walker:
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

    def in_scope_secrets(self) -> Taint | None:
        out: Taint | None = None
        for name, taint in self.vars.items():
            if not taint.dump and not taint.minted:
                out = union(out, Taint(frozenset({f"${name}"}) | taint.sources))
        return out

    # -- statements ---------------------------------------------------------------------------

    def run(self, root: Any) -> None:
        for child in root.named_children:
            self.statement(child, None, LOG)
        if root.has_error:
            self.facts.parse_errors += 1

    def statement(self, node: Any, stdin: Taint | None, dest: Dest) -> Taint | None:
        """Walk one statement; what it writes to stdout when that goes on (pipe, capture)."""
        handler = _STATEMENTS.get(node.type)
        if handler is None:
            return self.nested_statements(node, None, dest)
        return handler(self, node, stdin, dest)

    def nested_statements(self, node: Any, stdin: Taint | None, dest: Dest) -> Taint | None:
        """Compound statements and lists: every nested statement, with the same stdout."""
        out = None
        for child in node.named_children:
            if child.type in _WORD_NODES:
                continue
            out = union(out, self.statement(child, stdin, dest))
        return out

    def pipeline(self, node: Any, stdin: Taint | None, dest: Dest) -> Taint | None:
        out: Taint | None = stdin
        parts = [c for c in node.named_children]
        for i, part in enumerate(parts):
            out = self.statement(part, out, dest if i == len(parts) - 1 else PIPE)
        return out

    def redirected(self, node: Any, stdin: Taint | None, dest: Dest) -> Taint | None:
        body = node.child_by_field_name("body")
        redirects: list[Any] = []
        for child in node.children:
            if child.type in REDIRECTS:
                redirects.append(child)
                redirects.extend(c for c in child.named_children if c.type == "file_redirect")
        stdin, stdin_site, new_dest = apply_redirects(self, redirects, stdin, None, dest)
        if body is None:
            return None
        if body.type == "command":
            return command(self, body, stdin, new_dest, stdin_site)
        return self.statement(body, stdin, new_dest)

    def assignment_statement(self, node: Any, stdin: Taint | None, dest: Dest) -> None:
        self.assign(node)

    def assignments(self, node: Any, stdin: Taint | None, dest: Dest) -> None:
        for child in node.named_children:
            self.assign(child)

    def unset(self, node: Any, stdin: Taint | None, dest: Dest) -> None:
        for child in node.named_children:
            self.vars.pop(self.src(child), None)

    def function_definition(self, node: Any, stdin: Taint | None, dest: Dest) -> None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is not None and body is not None:
            self.functions[self.src(name)] = body

    def nothing(self, node: Any, stdin: Taint | None, dest: Dest) -> None:
        return None

    def test_command(self, node: Any, stdin: Taint | None, dest: Dest) -> None:
        for child in node.named_children:
            value_taint(self, child)  # command substitutions inside still run

    def for_statement(self, node: Any, stdin: Taint | None, dest: Dest) -> Taint | None:
        self.for_loop(node)  # the loop variable is set before the body runs
        return self.nested_statements(node, None, dest)

    def for_loop(self, node: Any) -> None:
        var = node.child_by_field_name("variable")
        if var is None:
            return
        taint: Taint | None = None
        for child in node.children_by_field_name("value"):
            taint = union(taint, value_taint(self, child)[0])
        if taint is not None:
            self.vars[self.src(var)] = taint

    def assign(self, node: Any) -> None:
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name_node is None:
            return
        name = self.src(name_node)
        taint = value_taint(self, value)[0] if value is not None else None
        self.note_traced(node, taint)
        self.check_verbose_assignment(name, value, node)
        if taint is None:
            self.vars.pop(name, None)
        else:
            self.vars[name] = taint

    def declaration(self, node: Any, stdin: Taint | None, dest: Dest) -> Taint | None:
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

    def substitution(self, node: Any) -> Taint | None:
        """What ``$(…)`` (or ``<(…)``) prints: its statements run with their stdout captured."""
        out: Taint | None = None
        for child in node.named_children:
            out = union(out, self.statement(child, None, CAPTURE))
        return out

    def call(self, name: str, stdin: Taint | None, dest: Dest) -> Taint | None:
        """Run a shell function's body at its call site (not recursively)."""
        if name in self.expanding:
            return None
        self.expanding.add(name)
        try:
            return self.statement(self.functions[name], stdin, dest)
        finally:
            self.expanding.discard(name)

    def nested(self, text: str, stdin: Taint | None, dest: Dest) -> None:
        """Walk ``text`` (a ``bash -c`` script, blanked around) as a child shell with our env."""
        tree = parser().parse(text.encode("ascii"))
        child = Walker(text, self.placeholders, self.vars, False)
        child.facts = self.facts
        child.depth = self.depth + 1
        for node in tree.root_node.named_children:
            child.statement(node, stdin, dest)

    # -- traces, dumps, verbose clients ---------------------------------------------------------

    def set_trace(self, on: bool, start: int, end: int) -> None:
        """``set -x`` from ``start`` to ``end`` (``set +x`` when not ``on``)."""
        if on:
            if self.trace is None:
                self.trace = (start, end, "set -x")
                self.trace_reported = False
        else:
            self.trace = None

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

    def dump(self, node: Any, dest: Dest) -> Taint | None:
        keyword = node.children[0].type if node.child_count else "export"
        out = self.dump_taint((node.start_byte, node.end_byte), keyword)
        if out is None:
            return None
        return self.emit(out, dest, (node.start_byte, node.end_byte), keyword, None)

    def check_verbose_assignment(self, name: str, value: Any, node: Any) -> None:
        if name not in VERBOSE_ENV or value is None:
            return
        lit = literal(self, value)
        if lit is not None and verbose_env(name, lit) and self.in_scope_secrets():
            self.facts.verbose.append(
                Verbose(node.start_byte, node.end_byte, name, f"{name}={lit}")
            )

    # -- output -------------------------------------------------------------------------------

    def emit(
        self,
        taint: Taint,
        dest: Dest,
        site: tuple[int, int],
        command: str,
        words: list[Word] | None,
    ) -> Taint | None:
        """Route output to its destination: pass it on (pipe/capture) or record a sink.

        ``words``: a printing command's, whose ``NAME=…`` names a ``GITHUB_ENV`` variable.
        """
        if dest.sink in ("pipe", "capture"):
            return taint
        if dest.sink == "null":
            return None
        if taint.dump and self.dump_origin is not None:
            site, command = self.dump_origin[:2], self.dump_origin[2]
        name = ""
        if dest.sink in ("github-env", "github-output") and words:
            name = assignment_name(words)
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


_Handler = Callable[[Walker, Any, Taint | None, Dest], Taint | None]
# Statement handlers by node type. Any other node is a compound statement (a loop, an ``if``,
# a subshell…): its nested statements run without the stdin, with the same stdout.
_STATEMENTS: Mapping[str, _Handler] = {
    "command": command,
    "pipeline": Walker.pipeline,
    "redirected_statement": Walker.redirected,
    "variable_assignment": Walker.assignment_statement,
    "variable_assignments": Walker.assignments,
    "declaration_command": Walker.declaration,
    "unset_command": Walker.unset,
    "function_definition": Walker.function_definition,
    "comment": Walker.nothing,
    "heredoc_body": Walker.nothing,
    "test_command": Walker.test_command,
    "for_statement": Walker.for_statement,
    "list": Walker.nested_statements,  # `a && b`: stdin goes to each
}
