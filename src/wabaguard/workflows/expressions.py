"""GitHub Actions ``${{ … }}`` expressions: find them, parse them, decide what they carry.

A small tokenizer and Pratt parser for the expression grammar (contexts, property and index
access, function calls, ``!``, comparisons, ``&&``, ``||``). Regexes would get case, literal
indexes and nesting wrong (see poutine's ``job_all_secrets`` in the spec, §2.3).
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Final

from wabaguard.workflows.taint import Taint, union

# (context, name, …) -> taint of that value, e.g. ("env", "TOKEN") or ("steps", "s", "outputs", "x")
Resolver = Callable[[tuple[str, ...]], "Taint | None"]

_MAX_DEPTH = 64
_MAX_TOKENS = 20_000


class ExpressionSpan:
    """One ``${{ … }}`` in a string: ``[start, end)`` of the whole, and its inner text.

    A slotted class, immutable by contract (``Final``) and compared by identity (see
    ``model.Step``).
    """

    __slots__ = ("closed", "end", "inner_end", "inner_start", "start")

    def __init__(
        self, start: int, end: int, inner_start: int, inner_end: int, closed: bool
    ) -> None:
        self.start: Final = start
        self.end: Final = end
        self.inner_start: Final = inner_start
        self.inner_end: Final = inner_end
        self.closed: Final = closed


def find_expressions(text: str) -> list[ExpressionSpan]:
    """Every ``${{ … }}`` in ``text``; an unterminated one runs to the end (linear time)."""
    spans: list[ExpressionSpan] = []
    pos = text.find("${{")
    n = len(text)
    while pos >= 0:
        i = pos + 3
        in_string = False
        end = -1
        while i < n:
            ch = text[i]
            if ch == "'":
                in_string = not in_string
            elif not in_string and ch == "}" and i + 1 < n and text[i + 1] == "}":
                end = i
                break
            i += 1
        if end < 0:
            spans.append(ExpressionSpan(pos, n, pos + 3, n, False))
            break
        spans.append(ExpressionSpan(pos, end + 2, pos + 3, end, True))
        pos = text.find("${{", end + 2)
    return spans


# --- AST ---------------------------------------------------------------------------------------
# Immutable by contract (``Final``, checked by mypy) and compared by identity. Not frozen
# dataclasses: each costs about 1 ms to define at start-up and 2 µs per node to build, and
# nothing compares or hashes syntax trees.


class Lit:
    __slots__ = ("value",)

    def __init__(self, value: str | float | bool | None) -> None:
        self.value: Final = value


class Ident:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name: Final = name  # lower-cased: contexts are case-insensitive


class Prop:
    __slots__ = ("name", "obj")

    def __init__(self, obj: Expr, name: str) -> None:
        self.obj: Final = obj
        self.name: Final = name  # "*" for a filter


class Index:
    __slots__ = ("index", "obj")

    def __init__(self, obj: Expr, index: Expr) -> None:
        self.obj: Final = obj
        self.index: Final = index


class Call:
    __slots__ = ("args", "name")

    def __init__(self, name: str, args: tuple[Expr, ...]) -> None:
        self.name: Final = name  # lower-cased
        self.args: Final = args


class Unary:
    __slots__ = ("op", "operand")

    def __init__(self, op: str, operand: Expr) -> None:
        self.op: Final = op
        self.operand: Final = operand


class Binary:
    __slots__ = ("left", "op", "right")

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op: Final = op
        self.left: Final = left
        self.right: Final = right


Expr = Lit | Ident | Prop | Index | Call | Unary | Binary


class ExpressionSyntaxError(Exception):
    pass


_TWO_CHAR = frozenset({"==", "!=", "<=", ">=", "&&", "||"})
_ONE_CHAR = frozenset("<>!()[].,*")


def tokenize(source: str) -> list[tuple[str, str]]:
    """(kind, text) pairs; kinds: num, str, ident, op."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch == "'":
            j = i + 1
            chars: list[str] = []
            while j < n:
                if source[j] == "'":
                    if j + 1 < n and source[j + 1] == "'":
                        chars.append("'")
                        j += 2
                        continue
                    break
                chars.append(source[j])
                j += 1
            if j >= n:
                raise ExpressionSyntaxError("unterminated string")
            tokens.append(("str", "".join(chars)))
            i = j + 1
        elif ch.isdigit() or (ch == "-" and i + 1 < n and source[i + 1].isdigit()):
            j = i + 1
            while j < n and (source[j].isalnum() or source[j] in ".+-"):
                j += 1
            tokens.append(("num", source[i:j]))
            i = j
        elif ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (source[j].isalnum() or source[j] in "_-"):
                j += 1
            tokens.append(("ident", source[i:j]))
            i = j
        elif source[i : i + 2] in _TWO_CHAR:
            tokens.append(("op", source[i : i + 2]))
            i += 2
        elif ch in _ONE_CHAR:
            tokens.append(("op", ch))
            i += 1
        else:
            raise ExpressionSyntaxError(f"unexpected character {ch!r}")
        if len(tokens) > _MAX_TOKENS:
            raise ExpressionSyntaxError("expression too long")
    return tokens


_BINARY = MappingProxyType({"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4})


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionSyntaxError("unexpected end of expression")
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        kind, value = self.take()
        if kind != "op" or value != text:
            raise ExpressionSyntaxError(f"expected {text!r}")

    def parse(self, min_prec: int = 0) -> Expr:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise ExpressionSyntaxError("expression nested too deeply")
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token[0] != "op" or token[1] not in _BINARY:
                break
            prec = _BINARY[token[1]]
            if prec <= min_prec:
                break
            self.take()
            right = self.parse(prec)
            left = Binary(token[1], left, right)
        self.depth -= 1
        return left

    def unary(self) -> Expr:
        token = self.peek()
        if token == ("op", "!"):
            self.take()
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise ExpressionSyntaxError("expression nested too deeply")
            operand = self.unary()
            self.depth -= 1
            return Unary("!", operand)
        return self.postfix(self.primary())

    def primary(self) -> Expr:
        kind, value = self.take()
        if kind == "str":
            return Lit(value)
        if kind == "num":
            try:
                return Lit(
                    float(int(value, 0))
                    if value.lower().startswith(("0x", "-0x"))
                    else float(value)
                )
            except ValueError:
                return Lit(value)
        if kind == "ident":
            lowered = value.lower()
            if lowered in ("true", "false"):
                return Lit(lowered == "true")
            if lowered == "null":
                return Lit(None)
            if self.peek() == ("op", "("):
                self.take()
                args: list[Expr] = []
                if self.peek() != ("op", ")"):
                    while True:
                        args.append(self.parse())
                        if self.peek() == ("op", ","):
                            self.take()
                            continue
                        break
                self.expect(")")
                return Call(lowered, tuple(args))
            return Ident(lowered)
        if (kind, value) == ("op", "("):
            inner = self.parse()
            self.expect(")")
            return inner
        raise ExpressionSyntaxError(f"unexpected {value!r}")

    def postfix(self, node: Expr) -> Expr:
        while True:
            token = self.peek()
            if token == ("op", "."):
                self.take()
                kind, value = self.take()
                if kind == "ident":
                    node = Prop(node, value)
                elif (kind, value) == ("op", "*"):
                    node = Prop(node, "*")
                else:
                    raise ExpressionSyntaxError("expected a property name")
            elif token == ("op", "["):
                self.take()
                index = self.parse()
                self.expect("]")
                node = Index(node, index)
            else:
                return node


def parse(source: str) -> Expr:
    tokens = tokenize(source)
    parser = _Parser(tokens)
    node = parser.parse()
    if parser.peek() is not None:
        raise ExpressionSyntaxError("trailing tokens")
    return node


# --- what an expression carries ---------------------------------------------------------------


class ExpressionInfo:
    __slots__ = ("all_secrets", "dynamic_index", "from_json_secret", "parsed", "taint")

    def __init__(
        self,
        taint: Taint | None,
        all_secrets: bool = False,
        dynamic_index: bool = False,
        from_json_secret: bool = False,
        parsed: bool = True,
    ) -> None:
        self.taint: Final = taint  # what its value carries
        self.all_secrets: Final = all_secrets  # the whole ``secrets`` context (toJSON(secrets)…)
        self.dynamic_index: Final = dynamic_index  # ``secrets[<non-literal>]``
        # ``fromJSON(<secret-bearing>)``: its fields escape masking
        self.from_json_secret: Final = from_json_secret
        self.parsed: Final = parsed


_NO_TAINT_FUNCTIONS = frozenset(
    {"contains", "startswith", "endswith", "hashfiles", "success", "always", "failure",
     "cancelled"}
)  # fmt: skip
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def _path(node: Expr) -> tuple[str, ...] | None:
    """``steps.s.outputs.x`` / ``env['X']`` as a tuple of names, or None if computed."""
    parts: list[str] = []
    while True:
        if isinstance(node, Ident):
            parts.append(node.name)
            return tuple(reversed(parts))
        if isinstance(node, Prop):
            parts.append(node.name)
            node = node.obj
        elif (
            isinstance(node, Index)
            and isinstance(node.index, Lit)
            and isinstance(node.index.value, str)
        ):
            parts.append(node.index.value)
            node = node.obj
        else:
            return None


class _Analyzer:
    def __init__(self, resolver: Resolver | None) -> None:
        self.resolver = resolver
        self.all_secrets = False
        self.dynamic_index = False
        self.from_json_secret = False

    def taint(self, node: Expr) -> Taint | None:
        if isinstance(node, Lit):
            return None
        if isinstance(node, Ident):
            if node.name == "secrets":
                self.all_secrets = True
                return Taint(frozenset({"secrets.*"}))
            return self._resolve((node.name,))
        if isinstance(node, Prop):
            path = _path(node)
            if path is not None:
                return self._access(path)
            return self.taint(node.obj)
        if isinstance(node, Index):
            return self._index(node)
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Unary):
            self.taint(node.operand)
            return None
        # Binary
        left = self.taint(node.left)
        right = self.taint(node.right)
        if node.op in _COMPARISONS:
            return None
        if node.op == "&&":  # ``a && b`` yields b, or a falsy (empty) a
            return right
        return union(left, right)

    def _index(self, node: Index) -> Taint | None:
        if isinstance(node.obj, Ident) and node.obj.name == "secrets":
            index = node.index
            if isinstance(index, Lit) and isinstance(index.value, str):
                return Taint(frozenset({f"secrets.{index.value}"}))
            self.dynamic_index = True
            self.taint(index)
            return Taint(frozenset({"secrets[…]"}))
        path = _path(node)
        index_taint = self.taint(node.index)
        if path is not None:
            return union(self._access(path), index_taint)
        return union(self.taint(node.obj), index_taint)

    def _call(self, node: Call) -> Taint | None:
        arg_taints = [self.taint(arg) for arg in node.args]
        if node.name in _NO_TAINT_FUNCTIONS:
            return None
        combined: Taint | None = None
        for t in arg_taints:
            combined = union(combined, t)
        if node.name == "fromjson" and combined is not None:
            # Reported at the expression (unmasked-secret-field); downstream sinks treat
            # the value like the secret itself so one leak is not reported twice.
            self.from_json_secret = True
        return combined

    def _access(self, path: tuple[str, ...]) -> Taint | None:
        root = path[0]
        if root == "secrets":
            if len(path) == 1:
                self.all_secrets = True
                return Taint(frozenset({"secrets.*"}))
            name = path[1]
            return Taint(
                frozenset(
                    {
                        "secrets.GITHUB_TOKEN"
                        if name.lower() == "github_token"
                        else f"secrets.{name}"
                    }
                )
            )
        if root == "github" and len(path) >= 2 and path[1].lower() == "token":
            return Taint(frozenset({"github.token"}))
        return self._resolve(path)

    def _resolve(self, path: tuple[str, ...]) -> Taint | None:
        if self.resolver is None or path[0] not in ("env", "inputs", "steps", "needs", "jobs"):
            return None
        return self.resolver(path)


def analyze_expression(
    source: str, resolver: Resolver | None = None, parsed: dict[str, Expr | None] | None = None
) -> ExpressionInfo:
    """Taint and red flags of the inner text of one ``${{ … }}`` (or an ``if:`` value).

    ``parsed`` memoises parse trees (None: unparseable) within one file, where each
    expression is met once in its step and again by the pass over every expression.
    """
    if parsed is not None and source in parsed:
        tree = parsed[source]
    else:
        try:
            tree = parse(source)
        except (ExpressionSyntaxError, RecursionError):
            tree = None
        if parsed is not None:
            parsed[source] = tree
    if tree is None:
        return _fallback(source)
    analyzer = _Analyzer(resolver)
    taint = analyzer.taint(tree)
    return ExpressionInfo(
        taint, analyzer.all_secrets, analyzer.dynamic_index, analyzer.from_json_secret
    )


def _fallback(source: str) -> ExpressionInfo:
    """Unparseable: still say whether it touches ``secrets`` (GitHub would reject it anyway)."""
    try:
        tokens = tokenize(source)
    except ExpressionSyntaxError:
        return ExpressionInfo(None, parsed=False)
    for index, (kind, value) in enumerate(tokens):
        if kind == "ident" and value.lower() == "secrets":
            name = "?"
            if index + 2 < len(tokens) and tokens[index + 1] == ("op", "."):
                name = tokens[index + 2][1]
            return ExpressionInfo(Taint(frozenset({f"secrets.{name}"})), parsed=False)
    return ExpressionInfo(None, parsed=False)
