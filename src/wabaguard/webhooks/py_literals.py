"""Python: the literal behind an HMAC key or a verify-token compare, in the same file."""

from __future__ import annotations

import ast
from collections.abc import Callable

from wabaguard.webhooks import literals
from wabaguard.webhooks.model import Literal, Site

Resolved = tuple[ast.Constant, str, bool]  # the literal, how it is reached, a fallback


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


class Definitions:
    """What the file binds to names, attributes and dictionary keys, each once if at all."""

    def __init__(self, tree: ast.Module) -> None:
        self.names: dict[str, list[ast.expr]] = {}  # module and class level
        self.fields: dict[str, list[ast.expr]] = {}  # class attributes, self.x =, dict keys
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.names.setdefault(target.id, []).append(node.value)
                    elif isinstance(target, ast.Attribute):
                        self.fields.setdefault(target.attr, []).append(node.value)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=False):
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        self.fields.setdefault(key.value, []).append(value)
            elif isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                        target = stmt.targets[0]
                        if isinstance(target, ast.Name):
                            self.fields.setdefault(target.id, []).append(stmt.value)


class Resolver:
    """Follows one function's expression to the literal it is, if it is one."""

    def __init__(
        self,
        fn: ast.FunctionDef | ast.AsyncFunctionDef,
        definitions: Callable[[], Definitions],
    ) -> None:
        self.definitions = definitions
        self.locals: dict[str, ast.expr] = {}
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    self.locals[target.id] = node.value
        args = [*fn.args.posonlyargs, *fn.args.args]
        defaults = [*([None] * (len(args) - len(fn.args.defaults))), *fn.args.defaults]
        self.defaults: dict[str, ast.expr] = {
            a.arg: d for a, d in zip(args, defaults, strict=False) if d is not None
        }
        for arg, default in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=False):
            if default is not None:
                self.defaults[arg.arg] = default

    def resolve(
        self, node: ast.AST, via: str = "", fallback: bool = False, depth: int = 0
    ) -> Resolved | None:
        if depth > literals.MAX_DEPTH:
            return None
        if _is_text(node):
            assert isinstance(node, ast.Constant)
            return node, via, fallback
        deeper = depth + 1
        if isinstance(node, ast.Call):
            return self._call(node, via, fallback, deeper)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2:
            first, last = node.values
            if literals.ENV_READ.search(ast.unparse(first)):
                return self.resolve(last, via, True, deeper)
            return None
        if isinstance(node, ast.Name):
            return self._name(node.id, via, fallback, deeper)
        if isinstance(node, ast.Attribute):
            return self._unique(
                self.definitions().fields.get(node.attr, []),
                node.attr,
                via,
                fallback,
                deeper,
                "field",
            )
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            if literals.ENV_READ.search(ast.unparse(node.value)):
                return None  # os.environ["X"]: the right way
            key = node.slice.value
            if isinstance(key, str):
                return self._unique(
                    self.definitions().fields.get(key, []), key, via, fallback, deeper, "key"
                )
        return None

    def _name(self, name: str, via: str, fallback: bool, depth: int) -> Resolved | None:
        if name in self.locals:
            return self.resolve(self.locals[name], via or f"the variable `{name}`", fallback, depth)
        if name in self.defaults:
            return self.resolve(
                self.defaults[name], via or f"the default of `{name}`", fallback, depth
            )
        return self._unique(self.definitions().names.get(name, []), name, via, fallback, depth)

    def _unique(
        self,
        values: list[ast.expr],
        name: str,
        via: str,
        fallback: bool,
        depth: int,
        what: str = "constant",
    ) -> Resolved | None:
        if len(values) != 1:
            return None  # assigned more than once: which one applies is not clear
        return self.resolve(values[0], via or f"the {what} `{name}`", fallback, depth)

    def _call(self, node: ast.Call, via: str, fallback: bool, depth: int) -> Resolved | None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("encode", "decode", "strip"):
            return self.resolve(func.value, via, fallback, depth)
        name = ast.unparse(func)
        if name in ("bytes", "bytearray", "str") and node.args:
            return self.resolve(node.args[0], via, fallback, depth)
        last = func.attr if isinstance(func, ast.Attribute) else name
        if literals.ENV_CALL.match(name) or literals.ENV_CALL.match(last):
            default = node.args[1] if len(node.args) > 1 else None
            for kw in node.keywords:
                if kw.arg in ("default", "fallback"):
                    default = kw.value
            first = node.args[0] if node.args else None
            if default is not None and isinstance(first, ast.Constant):
                return self.resolve(default, via, True, depth)
        return None


def literal(role: str, found: Resolved | None) -> Literal | None:
    """The model's record of a resolved literal, unless it is a placeholder."""
    if found is None:
        return None
    node, via, fallback = found
    raw = node.value
    value = (
        raw
        if isinstance(raw, str)
        else raw.decode("utf-8", "replace")
        if isinstance(raw, bytes)
        else ""
    )
    if literals.is_placeholder(value):
        return None
    line, column = node.lineno, node.col_offset + 1
    end_line = node.end_lineno or line
    end_column = (node.end_col_offset or node.col_offset) + 1
    return Literal(role, Site(line, column, end_line, end_column), value, via, fallback)


def reads_verify_token(node: ast.AST, names: set[str]) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            if literals.VERIFY_TOKEN_PARAM.fullmatch(child.value.strip()):
                return True
        elif isinstance(child, ast.Name) and child.id in names:
            return True
    return False


def verify_token_names(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names holding the handshake's hub.verify_token: parameters and local variables."""
    names: set[str] = set()
    args = [*fn.args.args, *fn.args.kwonlyargs]
    defaults = [*([None] * (len(fn.args.args) - len(fn.args.defaults))), *fn.args.defaults]
    defaults += list(fn.args.kw_defaults)
    for arg, default in zip(args, defaults, strict=False):
        if default is not None and reads_verify_token(default, set()):
            names.add(arg.arg)  # FastAPI: Query(alias="hub.verify_token")
    for _ in range(2):
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and reads_verify_token(node.value, names):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names
