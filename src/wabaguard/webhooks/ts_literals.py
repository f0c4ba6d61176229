"""JavaScript/TypeScript, PHP, Go: the literal behind an HMAC key or a verify-token compare.

Over the tree-sitter syntax tree of one file: a string in place, a local or module-level
name (``const``, ``define()``, Go ``const``/``var``), a parameter's default, an object field,
class property or struct field assigned once, through ``Buffer.from``/``[]byte(...)``-style
conversions, and an environment lookup's fallback (``process.env.X || '...'``,
``getenv('X') ?: '...'``, ``env('X', '...')``).
"""

from __future__ import annotations

from typing import Any

from wabaguard.webhooks import literals
from wabaguard.webhooks.model import Literal, Site

Node = Any
Resolved = tuple[Node, str, bool]  # the literal, how it is reached, a fallback

_STRINGS = frozenset(
    {"string", "template_string", "encapsed_string", "interpreted_string_literal",
     "raw_string_literal"}
)  # fmt: skip
_INTERPOLATED = frozenset(
    {"template_substitution", "interpolation", "variable_name", "dynamic_variable_name",
     "member_access_expression", "subscript_expression", "escape_sequence"}
)  # fmt: skip
_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression",
     "argument", "type_assertion", "expression_list", "literal_element"}
)  # fmt: skip
_NAMES = frozenset({"identifier", "variable_name", "name"})
_FIELDS = frozenset(
    {"member_expression", "member_access_expression", "selector_expression",
     "class_constant_access_expression", "scoped_property_access_expression",
     "nullsafe_member_access_expression"}
)  # fmt: skip
# Conversions that keep the value: Buffer.from(s), []byte(s), new TextEncoder().encode(s).
_CONVERSIONS = frozenset(
    {"from", "encode", "toString", "String", "trim", "utf8_encode", "strval", "Buffer"}
)
_FALLBACK_OPERATORS = frozenset({"||", "??", "?:"})


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    raw: bytes = node.text or b""
    return raw.decode("utf-8", "replace")


def _unwrap(node: Node | None) -> Node | None:
    while node is not None and node.type in _WRAPPERS and node.named_children:
        node = node.named_children[-1 if node.type == "literal_element" else 0]
    return node


def _last_segment(node: Node) -> str:
    for field in ("property", "field", "name"):
        child = node.child_by_field_name(field)
        if child is not None:
            return _text(child).lstrip("$")
    named = node.named_children
    return _text(named[-1]).lstrip("$") if named else ""


class Definitions:
    """What one file binds to names and to fields, by name (built once, on first use)."""

    def __init__(self, root: Node) -> None:
        self.names: dict[str, list[Node]] = {}
        self.fields: dict[str, list[Node]] = {}
        stack = [root]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            self._bind(node)

    def _add(self, table: dict[str, list[Node]], name: str, value: Node | None) -> None:
        if name and value is not None:
            table.setdefault(name.lstrip("$"), []).append(value)

    def _bind(self, node: Node) -> None:
        kind = node.type
        if kind in ("variable_declarator", "const_spec", "var_spec", "const_element"):
            name = node.child_by_field_name("name") or (
                node.named_children[0] if node.named_children else None
            )
            value = node.child_by_field_name("value") or (
                node.named_children[-1] if len(node.named_children) > 1 else None
            )
            if name is not None and name.type in (*_NAMES, "identifier"):
                self._add(self.names, _text(name), value)
                if kind == "const_element":  # a class constant: self::KEY, Class::KEY
                    self._add(self.fields, _text(name), value)
        elif kind in ("assignment_expression", "assignment_statement"):
            left = _unwrap(node.child_by_field_name("left"))
            right = _unwrap(node.child_by_field_name("right"))
            if left is not None and left.type in _NAMES:
                self._add(self.names, _text(left), right)
            elif left is not None and left.type in _FIELDS:
                self._add(self.fields, _last_segment(left), right)
        elif kind in ("pair", "public_field_definition", "property_element", "keyed_element"):
            children = node.named_children
            key = node.child_by_field_name("key") or node.child_by_field_name("name")
            key = key if key is not None else (children[0] if children else None)
            value = node.child_by_field_name("value") or (
                children[-1] if len(children) > 1 else None
            )
            if key is not None:
                self._add(self.fields, _text(key).strip("'\"`"), value)
        elif kind == "function_call_expression" and _text(node.child_by_field_name("function")) in (
            "define",
            "\\define",
        ):
            args = [_unwrap(a) for a in _arguments(node)]
            if len(args) == 2 and args[0] is not None and args[0].type in _STRINGS:
                self._add(self.names, _text(args[0])[1:-1], args[1])
                self._add(self.fields, _text(args[0])[1:-1], args[1])


def _arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [c for c in args.named_children if c.type != "comment"]


def _is_plain_string(node: Node) -> bool:
    if node.type not in _STRINGS:
        return False
    return not any(c.type in _INTERPOLATED for c in node.named_children)


class Resolver:
    def __init__(
        self, locals_: dict[str, Node], defaults: dict[str, Node], definitions: Any
    ) -> None:
        self.locals = locals_
        self.defaults = defaults
        self.definitions = definitions  # a callable returning Definitions

    def resolve(
        self, node: Node | None, via: str = "", fallback: bool = False, depth: int = 0
    ) -> Resolved | None:
        node = _unwrap(node)
        if node is None or depth > literals.MAX_DEPTH:
            return None
        if _is_plain_string(node):
            return node, via, fallback
        deeper = depth + 1
        kind = node.type
        if kind in _NAMES:
            return self._name(_text(node).lstrip("$"), via, fallback, deeper)
        if kind in _FIELDS:
            if literals.ENV_READ.search(_text(node)):
                return None  # process.env.X, $_ENV: the right way
            name = _last_segment(node)
            return self._unique(
                self.definitions().fields.get(name, []), name, via, fallback, deeper, "field"
            )
        if kind in ("binary_expression", "conditional_expression"):
            return self._fallback(node, via, deeper)
        if kind in (
            "call_expression",
            "function_call_expression",
            "type_conversion_expression",
            "member_call_expression",
            "new_expression",
        ):
            return self._call(node, via, fallback, deeper)
        return None

    def _fallback(self, node: Node, via: str, depth: int) -> Resolved | None:
        children = node.named_children
        operator = _text(node.child_by_field_name("operator"))
        if node.type == "conditional_expression":  # PHP's `a ?: b` has two operands
            operator = "?:" if len(children) == 2 else ""
        if operator not in _FALLBACK_OPERATORS or len(children) < 2:
            return None
        if not literals.ENV_READ.search(_text(children[0])):
            return None
        return self.resolve(children[-1], via, True, depth)

    def _call(self, node: Node, via: str, fallback: bool, depth: int) -> Resolved | None:
        if node.type == "type_conversion_expression":  # Go: []byte(secret)
            return self.resolve(node.named_children[-1], via, fallback, depth)
        function = node.child_by_field_name("function") or node.child_by_field_name("name")
        name = _text(function)
        last = name.replace("->", ".").replace("::", ".").split(".")[-1].lstrip("\\")
        if node.type == "member_call_expression":
            last = _text(node.child_by_field_name("name"))
        args = _arguments(node)
        if last in _CONVERSIONS or name.startswith("[]byte"):
            if args:
                return self.resolve(args[0], via, fallback, depth)
            receiver = function.child_by_field_name("object") if function is not None else None
            return self.resolve(receiver, via, fallback, depth)  # 'x'.toString()
        first = _unwrap(args[0]) if args else None
        if (
            len(args) >= 2
            and first is not None
            and first.type in _STRINGS
            and (literals.ENV_CALL.match(last) or literals.ENV_CALL.match(name))
        ):
            return self.resolve(args[1], via, True, depth)  # env('X', 'fallback')
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
        values: list[Node],
        name: str,
        via: str,
        fallback: bool,
        depth: int,
        what: str = "constant",
    ) -> Resolved | None:
        if len(values) != 1:
            return None  # assigned more than once (or never): which value applies is unclear
        return self.resolve(values[0], via or f"the {what} `{name}`", fallback, depth)


def defaults(parameters: Node | None) -> dict[str, Node]:
    """Parameters with a default value: ``secret = '...'``, ``$secret = '...'``."""
    found: dict[str, Node] = {}
    if parameters is None:
        return found
    for param in parameters.named_children:
        name = (
            param.child_by_field_name("pattern")
            or param.child_by_field_name("left")
            or param.child_by_field_name("name")
        )
        value = (
            param.child_by_field_name("value")
            or param.child_by_field_name("right")
            or param.child_by_field_name("default_value")
        )
        if name is not None and value is not None:
            found[_text(name).lstrip("$")] = value
    return found


def literal(role: str, found: Resolved | None) -> Literal | None:
    if found is None:
        return None
    node, via, fallback = found
    value = _text(node)[1:-1]
    if literals.is_placeholder(value):
        return None
    (line, column), (end_line, end_column) = node.start_point, node.end_point
    site = Site(line + 1, column + 1, end_line + 1, end_column + 1)
    return Literal(role, site, value, via, fallback)


def verify_token_names(params: Node | None, assignments: list[tuple[list[str], Node]]) -> set[str]:
    """Names holding hub.verify_token: parameters (``@Query('hub.verify_token') token``) and
    local variables assigned from a read of it."""
    names: set[str] = set()
    if params is not None:
        for param in params.named_children:
            if literals.VERIFY_TOKEN_PARAM.search(_text(param)):
                target = param.child_by_field_name("pattern") or param.child_by_field_name("name")
                if target is not None:
                    names.add(_text(target).lstrip("$"))
    for _ in range(2):
        for targets, value in assignments:
            if reads_verify_token(value, names):
                names.update(targets)
    return names


def reads_verify_token(node: Node | None, names: set[str]) -> bool:
    if node is None:
        return False
    if literals.VERIFY_TOKEN_PARAM.search(_text(node)):
        return True
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in _NAMES and _text(current).lstrip("$") in names:
            return True
        stack.extend(current.named_children)
    return False
