"""Python ``run:`` scripts (``shell: python``), parsed with the standard library's ``ast``.

``print``/``sys.stdout.write`` of an ``os.environ`` value (or a ``${{ }}`` one) go to the log,
values in ``subprocess`` calls are argv; variables carry taint through assignments.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

from wabaguard.workflows.shells.facts import (
    ArgvUse,
    FactsBuilder,
    Output,
    Placeholder,
    ScriptFacts,
)
from wabaguard.workflows.shells.lookup import Placeholders, blank_placeholders
from wabaguard.workflows.taint import Taint, union

_SUBPROCESS = frozenset({"run", "call", "check_call", "check_output", "Popen", "system"})
_NO_VALUE_CALLS = frozenset({"bool", "len", "hash", "isinstance", "int", "type", "id"})
_DERIVING_CALLS = frozenset(
    {"b64encode", "b64decode", "urlsafe_b64encode", "hexlify", "encode", "loads", "upper",
     "lower", "replace", "split", "reversed", "hex"}
)  # fmt: skip


def analyze_python(
    script: str, placeholders: Sequence[Placeholder], env: Mapping[str, Taint]
) -> ScriptFacts:
    text = blank_placeholders(script, placeholders)
    text = "".join(c if c < "\x80" else "x" for c in text)  # byte columns == char columns
    facts = FactsBuilder()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        facts.parse_errors += 1
        return facts.freeze()
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    _PythonWalker(text, starts, Placeholders(placeholders), env, facts).visit(tree)
    return facts.freeze()


class _PythonWalker(ast.NodeVisitor):
    def __init__(
        self,
        text: str,
        starts: list[int],
        ph: Placeholders,
        env: Mapping[str, Taint],
        facts: FactsBuilder,
    ) -> None:
        self.text = text
        self.starts = starts
        self.ph = ph
        self.env = env
        self.facts = facts
        self.vars: dict[str, Taint] = {}

    def span(self, node: ast.AST) -> tuple[int, int]:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        end_line = getattr(node, "end_lineno", line) or line
        end_col = getattr(node, "end_col_offset", col) or col
        return self.starts[line - 1] + col, self.starts[end_line - 1] + end_col

    def env_name(self, node: ast.AST) -> str | None:
        """``os.environ["X"]``, ``os.environ.get("X")``, ``os.getenv("X")`` -> X."""
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return key.value
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            key = node.args[0]
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            if isinstance(func, ast.Attribute) and (
                (func.attr == "get" and _is_environ(func.value)) or func.attr == "getenv"
            ):
                return key.value
            if isinstance(func, ast.Name) and func.id == "getenv":
                return key.value
        return None

    def taint(self, node: ast.AST | None) -> Taint | None:
        if node is None:
            return None
        name = self.env_name(node)
        if name is not None:
            return self.env.get(name)
        if isinstance(node, ast.Name):
            return union(self.vars.get(node.id), self.ph.taint(*self.span(node)))
        if isinstance(node, ast.Constant):
            return self.ph.taint(*self.span(node))
        if isinstance(node, ast.Call):
            func = node.func
            fname = (
                func.id
                if isinstance(func, ast.Name)
                else (func.attr if isinstance(func, ast.Attribute) else "")
            )
            if fname in _NO_VALUE_CALLS or (
                isinstance(func, ast.Attribute)
                and (isinstance(func.value, ast.Name) and func.value.id == "hashlib")
            ):
                return None
            out: Taint | None = None
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                out = union(out, self.taint(arg))
            if isinstance(func, ast.Attribute):
                out = union(out, self.taint(func.value))
            if out is not None and fname in _DERIVING_CALLS:
                out = out.as_derived()
            return out
        if isinstance(node, ast.Subscript):
            base = self.taint(node.value)
            return base.as_derived() if base is not None else None
        if isinstance(node, ast.Compare):
            return None
        out = None
        for child in ast.iter_child_nodes(node):
            out = union(out, self.taint(child))
        return out

    def visit_Assign(self, node: ast.Assign) -> None:
        taint = self.taint(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                if taint is None:
                    self.vars.pop(target.id, None)
                else:
                    self.vars[target.id] = taint
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        is_print = (
            isinstance(func, ast.Name)
            and func.id == "print"
            and not any(k.arg == "file" for k in node.keywords)
        )
        is_write = (
            isinstance(func, ast.Attribute)
            and func.attr == "write"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr in ("stdout", "stderr")
        )
        if is_print or is_write:
            for arg in node.args:
                taint = self.taint(arg)
                if taint is not None:
                    a, b = self.span(arg)
                    self.facts.outputs.append(Output(a, b, taint, "log", "print"))
                    break
        elif isinstance(func, ast.Attribute) and func.attr in _SUBPROCESS:
            for arg in node.args:
                for element in arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg]:
                    taint = self.taint(element)
                    if taint is not None:
                        a, b = self.span(element)
                        self.facts.argv.append(ArgvUse(a, b, taint, func.attr, "plain"))
        self.generic_visit(node)


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )
