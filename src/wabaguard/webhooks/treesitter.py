"""JavaScript/TypeScript, PHP and Go front-ends over tree-sitter grammars, loaded lazily.

One walker serves the three languages: each has a ``Spec`` naming its node types and the
shapes of its frameworks' routes. Facts come from the syntax tree (calls, comparisons,
``if`` branches, assignments); names and strings are matched on their source text.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from wabaguard.webhooks import WebhookError, literals
from wabaguard.webhooks import ts_literals as tslit
from wabaguard.webhooks import vocabulary as vocab
from wabaguard.webhooks.model import Check, Compare, Function, Mac, Module, Route, Site

Node = Any  # tree_sitter.Node: the bindings ship no complete stubs for mypy --strict

# language -> (distribution, module, function returning the grammar)
_GRAMMARS = {
    "javascript": ("tree-sitter-javascript", "tree_sitter_javascript", "language"),
    "typescript": ("tree-sitter-typescript", "tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree-sitter-typescript", "tree_sitter_typescript", "language_tsx"),
    "php": ("tree-sitter-php", "tree_sitter_php", "language_php"),
    "go": ("tree-sitter-go", "tree_sitter_go", "language"),
}


@cache
def _parser(language: str) -> Any:
    distribution, module_name, function = _GRAMMARS[language]
    try:
        import tree_sitter

        grammar = getattr(importlib.import_module(module_name), function)()
        return tree_sitter.Parser(tree_sitter.Language(grammar))
    except (ImportError, AttributeError, ValueError) as exc:
        raise WebhookError(
            f"{language} webhook handlers not analysed: the {distribution} grammar is not"
            f" installed or not usable ({type(exc).__name__}); pip install '{distribution}'",
            level="warning",
        ) from None


@dataclass(frozen=True)
class Spec:
    functions: frozenset[str]  # node types that are functions
    anonymous: frozenset[str]  # of those, the closures
    calls: frozenset[str]
    strings: frozenset[str]
    assignments: frozenset[str]
    returns: frozenset[str]
    raises: frozenset[str]  # throw / exit statements: the request ends there
    unary: frozenset[str]
    classes: frozenset[str]
    payload: re.Pattern[str]
    hmac_calls: frozenset[str]  # callee's last segment that computes an HMAC
    hash_calls: frozenset[str]  # plain digests
    unsafe_calls: frozenset[str]  # variable-time comparisons by call
    app_markers: re.Pattern[str]  # the application is created in this file
    literal_types: frozenset[str]


_JS = Spec(
    functions=frozenset(
        {
            "function_declaration",
            "generator_function_declaration",
            "function_expression",
            "function",
            "arrow_function",
            "method_definition",
        }
    ),
    anonymous=frozenset({"function_expression", "function", "arrow_function"}),
    calls=frozenset({"call_expression"}),
    strings=frozenset({"string", "template_string"}),
    assignments=frozenset({"variable_declarator", "assignment_expression"}),
    returns=frozenset({"return_statement"}),
    raises=frozenset({"throw_statement"}),
    unary=frozenset({"unary_expression"}),
    classes=frozenset({"class_declaration", "class"}),
    payload=re.compile(
        r"\b(?:req|request|ctx\.request|c\.req|event)\s*\.\s*(?:body|rawBody|payload|json\s*\("
        r"|text\s*\(|arrayBuffer\s*\(|on\s*\(\s*['\"](?:data|end))|@Body\s*\(|getRawBody\s*\("
        r"|\bbuffer\s*\(\s*req\b|\breadBody\s*\(|\braw\s*\(\s*req\b"
    ),
    hmac_calls=frozenset({"createHmac"}),
    hash_calls=frozenset({"createHash"}),
    unsafe_calls=frozenset({"startsWith", "localeCompare", "equals", "includes"}),
    app_markers=re.compile(
        r"\bexpress\s*\(\s*\)|\b[Ff]astify\s*\(|new\s+Hono\s*\(|createServer\s*\(|\bKoa\s*\("
    ),
    literal_types=frozenset(
        {"string", "template_string", "number", "null", "undefined", "true", "false"}
    ),
)

_PHP = Spec(
    functions=frozenset(
        {"function_definition", "method_declaration", "anonymous_function", "arrow_function"}
    ),
    anonymous=frozenset({"anonymous_function", "arrow_function"}),
    calls=frozenset(
        {
            "function_call_expression",
            "member_call_expression",
            "nullsafe_member_call_expression",
            "scoped_call_expression",
        }
    ),
    strings=frozenset({"string", "encapsed_string"}),
    assignments=frozenset({"assignment_expression"}),
    returns=frozenset({"return_statement"}),
    raises=frozenset({"throw_expression", "exit_statement"}),
    unary=frozenset({"unary_op_expression"}),
    classes=frozenset({"class_declaration"}),
    payload=re.compile(
        r"php://input|->getContent\s*\(|->all\s*\(|->json\s*\(|->getPayload\s*\(|\$_POST"
        r"|->toArray\s*\(|->input\s*\(\s*['\"]entry"
    ),
    hmac_calls=frozenset({"hash_hmac"}),
    hash_calls=frozenset({"hash", "sha1", "md5"}),
    unsafe_calls=frozenset({"strcmp", "strcasecmp", "str_starts_with", "strncmp"}),
    app_markers=re.compile(r"php://input|\$_SERVER"),
    literal_types=frozenset({"string", "encapsed_string", "integer", "null", "boolean"}),
)

_GO = Spec(
    functions=frozenset({"function_declaration", "method_declaration", "func_literal"}),
    anonymous=frozenset({"func_literal"}),
    calls=frozenset({"call_expression"}),
    strings=frozenset({"interpreted_string_literal", "raw_string_literal"}),
    assignments=frozenset({"short_var_declaration", "assignment_statement", "var_spec"}),
    returns=frozenset({"return_statement"}),
    raises=frozenset(),
    unary=frozenset({"unary_expression"}),
    classes=frozenset(),
    payload=re.compile(
        r"ReadAll\s*\(\s*\w+\.Body|NewDecoder\s*\(\s*\w+\.Body|GetRawData\s*\(|ShouldBind\w*\s*\("
        r"|BindJSON\s*\(|\.BodyParser\s*\(|\bc\.Bind\s*\(|\bc\.Body\s*\(\)"
    ),
    hmac_calls=frozenset({"New"}),  # hmac.New, checked with its package
    hash_calls=frozenset({"Sum256", "Sum"}),
    unsafe_calls=frozenset({"HasPrefix", "EqualFold", "Compare"}),
    app_markers=re.compile(r"ListenAndServe|gin\.(?:Default|New)\s*\(|echo\.New\s*\(|fiber\.New"),
    literal_types=frozenset(
        {"interpreted_string_literal", "raw_string_literal", "int_literal", "nil", "true", "false"}
    ),
)

_SPECS = {"javascript": _JS, "typescript": _JS, "tsx": _JS, "php": _PHP, "go": _GO}
_COMPARE_OPERATORS = frozenset({"==", "===", "!=", "!==", "<>"})
_NEGATING_OPERATORS = frozenset({"!=", "!==", "<>"})
_DIGEST = re.compile(
    r"createHmac|hash_hmac|hmac\.New|\.digest\s*\(|EncodeToString|\.Sum\s*\(\s*nil|subtle\.sign"
    r"|HexDigest|hexdigest"
)
_LENGTHISH = re.compile(
    r"\.length\s*$|^\s*typeof\b|^\s*(?:len|strlen|count|Buffer\.byteLength)\s*\("
)
_ROUTE_METHODS = frozenset({"post", "all", "put", "patch", "any", "POST", "Any", "Handle"})
_GO_REGISTRATIONS = frozenset({"HandleFunc", "Handle", "POST", "Any", "Post", "Add", "GET", "Get"})
_HEADER_SETTERS = frozenset({"set", "Set", "Add", "setHeader", "append", "withHeader"})
_PLAIN_PHP = re.compile(r"php://input|\$_POST\b")
_JS_HOOK_KEYS = frozenset(
    {"preHandler", "onRequest", "preValidation", "preParsing", "beforeHandle"}
)


def _site(node: Node) -> Site:
    (line, column), (end_line, end_column) = node.start_point, node.end_point
    # tree-sitter columns are byte offsets; close enough for ASCII code, clamped for the rest
    return Site(line + 1, column + 1, end_line + 1, end_column + 1)


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    raw: bytes = node.text or b""
    return raw.decode("utf-8", "replace")


def _unwrap(node: Node) -> Node:
    while node is not None and node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


# Identifiers, PHP's `$` left out (names are recorded without it).
_WORDS = re.compile(r"(?<![\w$])\$?([A-Za-z_]\w*)")


class _Walker:
    def __init__(self, path: str, text: str, language: str) -> None:
        self.path = path
        self.text = text
        self.language = language
        self.spec = _SPECS[language]
        self.module = Module(path, language)
        self.module.evidence = vocab.is_evidence(text)
        self.app_in_file = bool(self.spec.app_markers.search(text))
        # closures that are route handlers or mounted middleware: functions of their own
        self.own: dict[tuple[int, int, str], tuple[Route | None, set[str], bool]] = {}
        self.named_routes: dict[str, tuple[Route, set[str]]] = {}
        self.header_names: set[str] = set()  # constants holding the header's name
        self.root: Node = None
        self._definitions: tslit.Definitions | None = None

    def definitions(self) -> tslit.Definitions:
        """The file's names and fields, read on first use (only a key or a token needs it)."""
        if self._definitions is None:
            self._definitions = tslit.Definitions(self.root)
        return self._definitions

    # -- the tree -----------------------------------------------------------------------

    def run(self) -> Module:
        tree = _parser(self.language).parse(self.text.encode("utf-8", "replace"))
        root = tree.root_node
        self.root = root
        self._constants(root)
        self._registrations(root)
        for node, owner in self._function_nodes(root):
            self.module.functions.append(self._function(node, owner))
        if self.language == "php":
            script = self._script(root)
            if script is not None:
                self.module.functions.append(script)
        return self.module

    def _descendants(self, node: Node, *, into_closures: bool) -> Iterator[Node]:
        """Nodes under ``node``; callbacks are part of their function, other functions not."""
        stack = list(reversed(node.children))
        while stack:
            child = stack.pop()
            yield child
            nested = child.type in self.spec.functions or child.type in self.spec.classes
            if nested and not (into_closures and self._is_callback(child)):
                continue
            stack.extend(reversed(child.children))

    def _is_callback(self, node: Node) -> bool:
        return (
            node.type in self.spec.anonymous
            and _key(node) not in self.own
            and not self._bound(node)
        )

    def _bound(self, node: Node) -> str:
        """The name a closure is bound to (``const verify = (req) => ...``), or ""."""
        parent = node.parent
        if parent is None:
            return ""
        if parent.type in ("variable_declarator", "pair", "public_field_definition"):
            key = parent.child_by_field_name("name") or parent.child_by_field_name("key")
            return _text(key) if key is not None else ""
        if parent.type in ("assignment_expression", "expression_list"):
            if parent.type == "expression_list" and parent.parent is not None:
                parent = parent.parent
            left = parent.child_by_field_name("left")
            if left is not None:
                return _text(left).split(".")[-1].split(",")[0].strip().lstrip("$")
        return ""

    def _function_nodes(self, root: Node) -> Iterator[tuple[Node, str]]:
        stack: list[tuple[Node, str]] = [(root, "")]
        while stack:
            node, owner = stack.pop()
            for child in node.children:
                child_owner = owner
                if child.type in self.spec.classes:
                    child_owner = _text(child.child_by_field_name("name"))
                elif child.type in self.spec.functions and (
                    child.type not in self.spec.anonymous or not self._is_callback(child)
                ):
                    yield child, owner
                stack.append((child, child_owner))

    def _name_of(self, node: Node) -> str:
        name = node.child_by_field_name("name")
        if name is not None:
            return _text(name).lstrip("$")
        return self._bound(node)

    # -- module-level shapes -----------------------------------------------------------

    def _constants(self, root: Node) -> None:
        for node in _every(root):
            if node.type not in self.spec.assignments and node.type != "const_spec":
                continue
            value = node.child_by_field_name("value") or node.child_by_field_name("right")
            target = node.child_by_field_name("name") or node.child_by_field_name("left")
            if value is None or target is None:
                continue
            if value.type not in self.spec.strings and value.type != "expression_list":
                continue
            if vocab.SIGNATURE_HEADER.search(_text(value)) and len(_text(value)) < 40:
                self.header_names.add(_text(target).strip().lstrip("$"))

    def _registrations(self, root: Node) -> None:
        for node in _every(root):
            if node.type in self.spec.calls:
                if self.language == "go":
                    self._go_registration(node)
                elif self.language == "php":
                    self._php_registration(node)
                else:
                    self._js_registration(node)
            elif node.type == "export_statement" and self.language != "php":
                self._js_export(node)
            elif node.type == "method_definition":
                self._nest_route(node)

    def _args(self, call: Node) -> list[Node]:
        args = call.child_by_field_name("arguments")
        if args is None:
            return []
        out = []
        for child in args.named_children:
            if child.type == "argument" and child.named_children:
                child = child.named_children[-1]
            if child.type != "comment":
                out.append(child)
        return out

    def _callee(self, call: Node) -> tuple[str, str]:
        """(full callee text, last segment)."""
        if call.type in ("member_call_expression", "nullsafe_member_call_expression"):
            name = _text(call.child_by_field_name("name"))
            return f"{_text(call.child_by_field_name('object'))}->{name}", name
        if call.type == "scoped_call_expression":
            name = _text(call.child_by_field_name("name"))
            return f"{_text(call.child_by_field_name('scope'))}::{name}", name
        fn = call.child_by_field_name("function")
        if fn is None:
            return "", ""
        full = _text(fn)
        if fn.type in ("member_expression", "selector_expression"):
            prop = fn.child_by_field_name("property") or fn.child_by_field_name("field")
            return full, _text(prop)
        return full, full.split("\\")[-1]

    def _own(self, node: Node, route: Route | None, middleware: set[str], mount: bool) -> None:
        self.own[_key(node)] = (route, middleware, mount)

    def _js_registration(self, call: Node) -> None:
        full, last = self._callee(call)
        args = self._args(call)
        obj = full.rsplit(".", 1)[0] if "." in full else ""
        framework = "fastify" if re.search(r"fastify|server|instance", obj, re.I) else "express"
        if last in ("use", "addHook", "register") and obj:
            for arg in args:
                if arg.type == "identifier":
                    self.module.mounts.add(_text(arg))
                elif arg.type in self.spec.calls:
                    self.module.mounts.add(self._callee(arg)[1])
                for inner in [arg, *self._descendants(arg, into_closures=False)]:
                    if inner.type in self.spec.anonymous:
                        self._own(inner, None, set(), True)
            return
        if last in ("createServer",):
            for arg in args:
                route = Route("node-http", frozenset(), "", app_in_file=True)
                self._route_arg(arg, route, set())
            return
        if last == "route" and args and args[0].type == "object":
            self._fastify_route(args[0])
            return
        if (last not in _ROUTE_METHODS and last != "get") or not obj:
            return
        strings = [a for a in args if a.type in self.spec.strings]
        if not strings or (last == "get" and len(args) < 2):
            return  # app.get('setting') reads a setting
        path = _text(strings[0]).strip("'\"`")
        methods = frozenset() if last in ("all", "any") else frozenset({last.upper()})
        router = re.search(r"router|route", obj, re.I) is not None and not self.app_in_file
        route = Route(framework, methods, path, app_in_file=self.app_in_file and not router)
        middleware: set[str] = set()
        handlers = [a for a in args if a.type not in self.spec.strings]
        for arg in handlers[:-1]:
            middleware |= self._middleware_names(arg)
        if handlers:
            if handlers[-1].type == "object":
                middleware |= self._middleware_names(handlers[-1])
            else:
                self._route_arg(handlers[-1], route, middleware)

    def _middleware_names(self, arg: Node) -> set[str]:
        if arg.type == "identifier":
            return {_text(arg)}
        if arg.type in self.spec.calls:
            return {self._callee(arg)[1]}
        if arg.type in ("array", "object"):
            names: set[str] = set()
            for child in arg.named_children:
                if child.type == "pair":
                    key = _text(child.child_by_field_name("key"))
                    if key in _JS_HOOK_KEYS:
                        names |= self._middleware_names(child.child_by_field_name("value"))
                else:
                    names |= self._middleware_names(child)
            return names
        if arg.type == "member_expression":
            return {_text(arg.child_by_field_name("property"))}
        if arg.type in self.spec.anonymous:
            self._own(arg, None, set(), True)
            self.module.mounts.add(f"<mw@{arg.start_point[0]}>")
        return set()

    def _fastify_route(self, obj: Node) -> None:
        methods: set[str] = set()
        middleware: set[str] = set()
        handler = None
        path = ""
        for pair in obj.named_children:
            if pair.type != "pair":
                continue
            key = _text(pair.child_by_field_name("key"))
            value = pair.child_by_field_name("value")
            if key == "method":
                methods.update(m.upper() for m in re.findall(r"[A-Za-z]+", _text(value)))
            elif key == "url":
                path = _text(value).strip("'\"`")
            elif key == "handler":
                handler = value
            elif key in _JS_HOOK_KEYS:
                middleware |= self._middleware_names(value)
        if handler is not None:
            route = Route("fastify", frozenset(methods), path, app_in_file=self.app_in_file)
            self._route_arg(handler, route, middleware)

    def _route_arg(self, arg: Node, route: Route, middleware: set[str]) -> None:
        if arg.type in self.spec.anonymous:
            self._own(arg, route, middleware, False)
        elif arg.type in ("identifier", "member_expression", "selector_expression", "name"):
            name = _text(arg).split(".")[-1]
            self.named_routes[name] = (route, middleware)
        elif arg.type in self.spec.calls:  # a wrapper: verify(handler)
            _full, wrapper = self._callee(arg)
            for inner in self._args(arg):
                self._route_arg(inner, route, {*middleware, wrapper})

    def _js_export(self, node: Node) -> None:
        text = _text(node)
        declaration = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        targets: list[tuple[Node, str]] = []
        if declaration is not None and declaration.type in self.spec.functions:
            targets.append((declaration, self._name_of(declaration)))
        elif declaration is not None:
            for child in self._descendants(declaration, into_closures=False):
                if child.type in self.spec.anonymous:
                    targets.append((child, self._bound(child)))
        if value is not None and value.type in self.spec.functions:
            targets.append((value, "default"))
        default = text.startswith("export default")
        for fn, name in targets:
            if name in ("POST", "PUT", "PATCH", "GET"):
                route = Route("nextjs", frozenset({name}), "", app_in_file=True)
            elif default:
                route = Route("nextjs", frozenset(), "", app_in_file=True)
            else:
                continue
            if fn.type in self.spec.anonymous:
                self._own(fn, route, set(), False)
            else:
                self.named_routes[self._name_of(fn) or name] = (route, set())

    def _decorators(self, node: Node) -> list[Node]:
        """The decorators written just before a class member (siblings in the class body)."""
        found = []
        sibling = node.prev_named_sibling
        while sibling is not None and sibling.type == "decorator":
            found.append(sibling)
            sibling = sibling.prev_named_sibling
        return found

    def _nest_route(self, method: Node) -> None:
        decorators = self._decorators(method)
        if not decorators:
            return
        route: Route | None = None
        middleware: set[str] = set()
        for deco in decorators:
            text = _text(deco)
            match = re.match(r"@(\w+)\s*\(", text)
            if not match:
                continue
            name = match.group(1)
            if name in ("Post", "All", "Put", "Patch"):
                upper = name.upper()
                methods = frozenset() if upper == "ALL" else frozenset({upper})
                route = Route("nestjs", methods, "", app_in_file=False)
            elif name in ("UseGuards", "UseInterceptors", "UseFilters"):
                middleware.update(re.findall(r"\b([A-Z]\w+)\b", text[len(match.group()) :]))
        klass = method.parent.parent if method.parent is not None else None
        if klass is not None:
            for deco in klass.children:
                text = _text(deco)
                if deco.type == "decorator" and text.startswith("@UseGuards"):
                    middleware.update(re.findall(r"\b([A-Z]\w+)\b", text[len("@UseGuards") :]))
        if route is not None:
            self.named_routes[_text(method.child_by_field_name("name"))] = (route, middleware)

    def _php_registration(self, call: Node) -> None:
        full, last = self._callee(call)
        if not full.startswith("Route::") or last.lower() not in ("post", "any", "match", "get"):
            return
        args = self._args(call)
        path = next((_text(a).strip("'\"") for a in args if a.type in self.spec.strings), "")
        middleware: set[str] = set()
        parent = call.parent
        while parent is not None and parent.type == "member_call_expression":
            if _text(parent.child_by_field_name("name")) in ("middleware", "withMiddleware"):
                middleware.update(
                    _text(s).strip("'\"")
                    for s in self._descendants(parent, into_closures=False)
                    if s.type in self.spec.strings
                )
            parent = parent.parent
        methods = frozenset({"GET"}) if last.lower() == "get" else frozenset({"POST"})
        route = Route("laravel", methods, path, app_in_file=False)
        for arg in args[1:]:
            if arg.type in self.spec.anonymous:
                self._own(arg, route, middleware, False)
            elif arg.type == "array_creation_expression":
                names = [
                    s for s in self._descendants(arg, into_closures=False) if s.type == "string"
                ]
                if names:
                    self.named_routes[_text(names[-1]).strip("'\"")] = (route, middleware)
            elif arg.type in self.spec.strings and "@" in _text(arg):
                self.named_routes[_text(arg).strip("'\"").split("@")[-1]] = (route, middleware)

    def _go_registration(self, call: Node) -> None:
        _full, last = self._callee(call)
        args = self._args(call)
        if last == "Use":
            for arg in args:
                self.module.mounts |= self._go_names(arg)
            return
        if last not in _GO_REGISTRATIONS or len(args) < 2 or args[0].type not in self.spec.strings:
            return
        framework = "gin" if last in ("POST", "Any", "GET") else "net/http"
        methods = frozenset({"POST"}) if last in ("POST", "Post") else frozenset()
        if last in ("GET", "Get"):
            methods = frozenset({"GET"})  # the subscription handshake
        route = Route(framework, methods, _text(args[0]).strip('"`'), app_in_file=self.app_in_file)
        middleware: set[str] = set()
        for arg in args[1:-1]:
            middleware |= self._go_names(arg)
        self._route_arg(args[-1], route, middleware)

    def _go_names(self, arg: Node) -> set[str]:
        if arg.type in ("identifier", "selector_expression"):
            return {_text(arg).split(".")[-1]}
        if arg.type in self.spec.calls:
            return {self._callee(arg)[1]}
        return set()

    # -- one function ------------------------------------------------------------------

    def _function(self, node: Node, owner: str) -> Function:
        name = self._name_of(node)
        fn = Function(name, _site(node.child_by_field_name("name") or node), owner=owner)
        if node.type in self.spec.anonymous:
            fn.site = _site(node)
            fn.site = Site(fn.site.line, fn.site.column, fn.site.line, fn.site.column + 1)
        route, middleware, mount = self.own.get(_key(node), (None, set(), False))
        if mount:
            fn.name = f"<mw@{node.start_point[0]}>"
            self.module.mounts.add(fn.name)
        if route is None and name in self.named_routes:
            route, middleware = self.named_routes[name]
        fn.route = route or self._signature_route(node)
        fn.recovered = bool(node.has_error)
        fn.middleware = set(middleware)
        self._collect(node, fn)
        return fn

    def _signature_route(self, node: Node) -> Route | None:
        params = node.child_by_field_name("parameters")
        text = _text(params)
        if self.language == "go":
            if "http.ResponseWriter" in text and "http.Request" in text:
                return Route("net/http", frozenset(), "", app_in_file=self.app_in_file)
            for marker, framework in (("gin.Context", "gin"), ("echo.Context", "echo")):
                if marker in text:
                    return Route(framework, frozenset(), "", app_in_file=self.app_in_file)
            if "fiber.Ctx" in text:
                return Route("fiber", frozenset(), "", app_in_file=self.app_in_file)
        if self.language == "php" and re.search(r"\bRequest\s+\$\w+", text):
            modifiers = [c for c in node.children if c.type == "visibility_modifier"]
            if any(_text(m) != "public" for m in modifiers):
                return None  # a controller's helper, not an action a route can reach
            return Route("laravel", frozenset(), "", app_in_file=False)
        return None

    def _script(self, root: Node) -> Function | None:
        """A PHP file's top-level statements: the handler of a plain PHP endpoint."""
        body = [c for c in root.named_children if not self._separate(c)]
        # A plain endpoint reads the raw input itself; framework code (routes, tests) does not.
        first = next((c for c in body if _PLAIN_PHP.search(self._own_text(c))), None)
        if first is None:
            return None
        fn = Function("<script>", _site(first))
        fn.route = Route("php", frozenset(), "", app_in_file=True)
        self._collect(root, fn)
        return fn

    def _separate(self, node: Node) -> bool:
        """A function or class analysed on its own, not as part of the code around it."""
        if node.type in self.spec.classes or node.type == "namespace_definition":
            return True
        return node.type in self.spec.functions and not self._is_callback(node)

    def _own_text(self, node: Node) -> str:
        """The node's source without the functions and classes analysed on their own."""
        cut: list[tuple[int, int]] = []
        stack = list(node.children)
        while stack:
            current = stack.pop()
            if self._separate(current):
                cut.append((current.start_byte, current.end_byte))
                continue
            stack.extend(current.children)
        raw: bytes = node.text or b""
        base = node.start_byte
        pieces, at = [], 0
        for start, end in sorted(cut):
            pieces.append(raw[at : start - base])
            at = end - base
        pieces.append(raw[at:])
        return b" ".join(pieces).decode("utf-8", "replace")

    def _collect(self, node: Node, fn: Function) -> None:
        nodes = list(self._descendants(node, into_closures=True))
        text = self._own_text(node)
        fn.reads_payload = bool(self.spec.payload.search(text))
        fn.evidence = vocab.is_evidence(text)
        taint = _Taint(self, fn, nodes, node)
        for child in nodes:
            self._fact(child, fn, taint)

    def _fact(self, node: Node, fn: Function, taint: _Taint) -> None:
        kind = node.type
        if kind in self.spec.strings or kind in ("identifier", "name"):
            text = _text(node)
            match = None
            if kind in self.spec.strings and not self._sets_header(node):
                match = vocab.HEADER_NAME.fullmatch(text.strip("'\"`"))
            if match is None and text in self.header_names:
                match = vocab.SIGNATURE_HEADER.search("x-hub-signature-256")
            if match is not None:
                (fn.header_256 if match.group(1) else fn.header_sha1).append(_site(node))
        elif kind in self.spec.calls:
            self._call(node, fn, taint)
        elif kind == "binary_expression":
            op = _text(node.child_by_field_name("operator"))
            if op in _COMPARE_OPERATORS and taint.compares(
                node.child_by_field_name("left"), node.child_by_field_name("right")
            ):
                fn.compares.append(Compare(_site(node), op, safe=False))
            elif op in _COMPARE_OPERATORS:
                taint.verify_token_literal(node, fn)
        elif kind in self.spec.returns:
            value = node.named_children[0] if node.named_children else None
            if value is not None and taint.is_verdict(value):
                fn.returns_verdict = True
        elif kind == "if_statement":
            self._check(node, fn, taint)
        elif kind == "expression_statement" and node.named_children:
            call = _unwrap(node.named_children[0])
            if call.type == "await_expression" and call.named_children:
                call = call.named_children[0]
            if call.type in self.spec.calls:
                fn.discarded.append((self._callee(call)[1], _site(call)))

    def _sets_header(self, node: Node) -> bool:
        """The header's name as a key being set (an outgoing request's headers), not read."""
        parent = node.parent
        if parent is None:
            return False
        if parent.type == "pair":
            key = parent.child_by_field_name("key")
            return key is not None and _key(key) == _key(node)
        if parent.type == "array_element_initializer":
            return len(parent.named_children) == 2 and _key(parent.named_children[0]) == _key(node)
        if parent.type in ("arguments", "argument_list", "argument"):
            call = parent.parent.parent if parent.type == "argument" else parent.parent
            if call is not None and call.type in self.spec.calls:
                return self._callee(call)[1] in _HEADER_SETTERS
        return False

    def _call(self, node: Node, fn: Function, taint: _Taint) -> None:
        full, last = self._callee(node)
        if last:
            fn.calls.add(last)
        args = self._args(node)
        if self._is_safe_compare(full, last):
            fn.compares.append(Compare(_site(node), last, safe=True))
        elif last in self.spec.unsafe_calls or (self.language == "go" and full == "bytes.Equal"):
            operands = args if len(args) >= 2 else [node.child_by_field_name("function"), *args]
            if len(operands) >= 2 and taint.compares(operands[0], operands[1]):
                fn.compares.append(Compare(_site(node), last, safe=False))
        if last in self.spec.hmac_calls and (self.language != "go" or full == "hmac.New"):
            self._mac(node, full, args, fn, taint)
        elif last in ("sign", "verify") and args and "HMAC" in _text(args[0]).upper():
            fn.macs.append(Mac(_site(node), "sha256" if "256" in self.text else "", keyed=True))
            if last == "verify":
                fn.compares.append(Compare(_site(node), "subtle.verify", safe=True))
        elif last in self.spec.hash_calls and self._is_plain_hash(full, args):
            algorithm = vocab.algorithm_of(_text(args[0]) if self.language != "go" else full)
            if last in ("sha1", "md5"):
                algorithm = last
            fn.macs.append(Mac(_site(node), algorithm, keyed=False))

    def _is_safe_compare(self, full: str, last: str) -> bool:
        if last not in vocab.SAFE_COMPARE:
            return False
        if self.language == "go" and last == "Equal":
            return full.startswith("hmac.")
        return True

    def _is_plain_hash(self, full: str, args: list[Node]) -> bool:
        if self.language == "go":
            return full.split(".")[0] in ("sha256", "sha1", "md5")
        if self.language == "php" and full.split("\\")[-1] == "hash":
            return bool(args) and vocab.algorithm_of(_text(args[0])) != ""
        return True

    def _mac(self, node: Node, full: str, args: list[Node], fn: Function, taint: _Taint) -> None:
        if self.language == "php":
            algorithm = vocab.algorithm_of(_text(args[0])) if args else ""
            message = args[1] if len(args) > 1 else None
        elif self.language == "go":
            algorithm = vocab.algorithm_of(_text(args[0])) if args else ""
            message = taint.written_to(node)
        else:
            algorithm = vocab.algorithm_of(_text(args[0])) if args else ""
            message = taint.updated_with(node)
        reserialised = taint.serialiser(message) if message is not None else ""
        fn.macs.append(Mac(_site(node), algorithm, keyed=True, reserialised=reserialised))
        key_at = 2 if self.language == "php" else 1  # hash_hmac(algo, data, key)
        if len(args) > key_at:
            found = tslit.literal(literals.APP_SECRET, taint.resolver().resolve(args[key_at]))
            if found is not None:
                fn.literals.append(found)

    def _check(self, node: Node, fn: Function, taint: _Taint) -> None:
        condition = _unwrap(node.child_by_field_name("condition"))
        if condition is None:
            return
        direct = False
        calls: set[str] = set()
        for child in [condition, *self._descendants(condition, into_closures=False)]:
            if child.type in self.spec.calls:
                full, last = self._callee(child)
                calls.add(last)
                if self._is_safe_compare(full, last):
                    direct = True
            elif child.type == "binary_expression":
                op = _text(child.child_by_field_name("operator"))
                if op in _COMPARE_OPERATORS and taint.compares(
                    child.child_by_field_name("left"), child.child_by_field_name("right")
                ):
                    direct = True
            elif child.type in ("identifier", "variable_name"):
                verdict = taint.verdicts.get(_text(child).lstrip("$"), set())
                calls |= verdict
                direct = direct or bool(verdict & vocab.SAFE_COMPARE)
        if not direct and not calls:
            return
        negated = self._negated(condition)
        consequence = node.child_by_field_name("consequence") or node.child_by_field_name("body")
        alternative = node.child_by_field_name("alternative")
        failure = consequence if negated else alternative
        more = self._followed(node)
        falls_through = negated and more and (failure is None or not self._terminates(failure))
        fn.checks.append(Check(_site(node), direct, frozenset(calls), falls_through))

    def _negated(self, condition: Node) -> bool:
        condition = _unwrap(condition)
        if condition.type in self.spec.unary:
            return _text(condition.child_by_field_name("operator")) == "!"
        if condition.type == "binary_expression":
            op = _text(condition.child_by_field_name("operator"))
            if op in _NEGATING_OPERATORS:
                return True
            if op in ("||", "or"):
                left = condition.child_by_field_name("left")
                right = condition.child_by_field_name("right")
                return self._negated(left) or self._negated(right)
            if op in ("===", "==") and _text(condition.child_by_field_name("right")) == "false":
                return True
        return False

    def _followed(self, node: Node) -> bool:
        sibling = node.next_named_sibling
        while sibling is not None and sibling.type == "comment":
            sibling = sibling.next_named_sibling
        # Only a return follows: nothing is processed after the check.
        return sibling is not None and sibling.type not in self.spec.returns

    def _terminates(self, branch: Node) -> bool:
        for child in [branch, *self._descendants(branch, into_closures=False)]:
            if child.type in self.spec.returns or child.type in self.spec.raises:
                return True
            if child.type in self.spec.calls:
                full, last = self._callee(child)
                if last in vocab.TERMINATING_CALLS or full == "process.exit":
                    return True
        return False


class _Taint:
    """Names in one function holding a signature, a digest, a serialised body or a verdict."""

    def __init__(self, walker: _Walker, fn: Function, nodes: list[Node], root: Node) -> None:
        self.walker = walker
        self.spec = walker.spec
        self.tainted: set[str] = set()
        self.serialised: dict[str, str] = {}
        self.verdicts: dict[str, set[str]] = {}
        self.values: dict[str, Node] = {}
        self.assignments: list[tuple[list[str], Node]] = []
        self.root = root
        self._resolver: tslit.Resolver | None = None
        self._token_names: set[str] | None = None
        params = root.child_by_field_name("parameters")
        for param in _identifiers(params):
            if "signature" in param.lower() or param.lower() in ("sig", "$sig"):
                self.tainted.add(param.lstrip("$"))
                fn.takes_signature = True
        for node in nodes:
            if node.type in self.spec.assignments:
                target = node.child_by_field_name("name") or node.child_by_field_name("left")
                value = node.child_by_field_name("value") or node.child_by_field_name("right")
                if target is None or value is None:
                    continue
                names = [n.lstrip("$") for n in _identifiers(target)]
                self.assignments.append((names, value))
                for name in names:
                    self.values[name] = value
        self._propagate()

    def _propagate(self) -> None:
        for _ in range(4):
            before = (len(self.tainted), len(self.serialised))
            for names, value in self.assignments:
                text = _text(value)
                if self.is_tainted(value):
                    self.tainted.update(names)
                serialiser = self.serialiser(value)
                if serialiser:
                    for name in names:
                        self.serialised[name] = serialiser
                calls = {
                    self.walker._callee(c)[1]
                    for c in [value, *self.walker._descendants(value, into_closures=False)]
                    if c.type in self.spec.calls
                }
                if calls and not vocab.SIGNATURE_HEADER.search(text):
                    for name in names:
                        self.verdicts[name] = calls
            if (len(self.tainted), len(self.serialised)) == before:
                break

    def resolver(self) -> tslit.Resolver:
        if self._resolver is None:
            params = self.root.child_by_field_name("parameters")
            self._resolver = tslit.Resolver(
                self.values, tslit.defaults(params), self.walker.definitions
            )
        return self._resolver

    def verify_token_literal(self, compare: Node, fn: Function) -> None:
        """``req.query['hub.verify_token'] === '...'``: the token written in the file."""
        if self._token_names is None:
            params = self.root.child_by_field_name("parameters")
            self._token_names = tslit.verify_token_names(params, self.assignments)
        names = self._token_names
        left = compare.child_by_field_name("left")
        right = compare.child_by_field_name("right")
        for token, other in ((left, right), (right, left)):
            if tslit.reads_verify_token(token, names) and not tslit.reads_verify_token(
                other, names
            ):
                found = tslit.literal(literals.VERIFY_TOKEN, self.resolver().resolve(other))
                if found is not None:
                    fn.literals.append(found)
                return

    def _mentions(self, text: str, names: set[str] | dict[str, str]) -> str:
        """A name of ``names`` used in ``text`` (one pass over its words, not one per name)."""
        if not names:
            return ""
        for word in _WORDS.findall(text):
            if word in names:
                return str(word)
        return ""

    def is_tainted(self, node: Node | None) -> bool:
        if node is None:
            return False
        text = _text(node)
        if vocab.SIGNATURE_HEADER.search(text) or _DIGEST.search(text):
            return True
        if self.walker.header_names and self._mentions(text, self.walker.header_names):
            return True
        return bool(self._mentions(text, self.tainted))

    def compares(self, left: Node | None, right: Node | None) -> bool:
        if left is None or right is None:
            return False
        for side in (left, right):
            side = _unwrap(side)
            literal = side.type in self.spec.literal_types and not any(
                c.type in ("template_substitution", "interpolation") for c in side.named_children
            )
            if literal or _LENGTHISH.search(_text(side)):
                return False
        return self.is_tainted(left) or self.is_tainted(right)

    def is_verdict(self, node: Node) -> bool:
        for child in [node, *self.walker._descendants(node, into_closures=False)]:
            if child.type == "binary_expression":
                op = _text(child.child_by_field_name("operator"))
                if op in _COMPARE_OPERATORS and self.compares(
                    child.child_by_field_name("left"), child.child_by_field_name("right")
                ):
                    return True
            elif child.type in self.spec.calls:
                full, last = self.walker._callee(child)
                if self.walker._is_safe_compare(full, last):
                    return True
        return False

    def serialiser(self, node: Node) -> str:
        text = _text(node)
        match = vocab.SERIALISER.search(text)
        if match:
            return match.group()
        name = self._mentions(text, self.serialised)
        return self.serialised[name] if name else ""

    def updated_with(self, hmac_call: Node) -> Node | None:
        """The message of ``createHmac(...).update(msg)`` (chained or through a variable)."""
        parent = hmac_call.parent
        while parent is not None and parent.type in ("member_expression", "call_expression"):
            if parent.type == "call_expression":
                _full, last = self.walker._callee(parent)
                if last == "update":
                    args = self.walker._args(parent)
                    return args[0] if args else None
            parent = parent.parent
        return self._method_arg(hmac_call, ("update",))

    def written_to(self, hmac_call: Node) -> Node | None:
        """The message of ``mac := hmac.New(...); mac.Write(msg)``."""
        return self._method_arg(hmac_call, ("Write", "WriteString"))

    def _method_arg(self, hmac_call: Node, methods: tuple[str, ...]) -> Node | None:
        bound = [n for n, v in self.values.items() if v == hmac_call or _contains(v, hmac_call)]
        if not bound:
            return None
        root = hmac_call
        while root.parent is not None and root.type not in self.spec.functions:
            root = root.parent
        for node in self.walker._descendants(root, into_closures=True):
            if node.type in self.spec.calls:
                full, last = self.walker._callee(node)
                if last in methods and full.split(".")[0] in bound:
                    args = self.walker._args(node)
                    return args[0] if args else None
        return None


_NOT_NAMES = frozenset(
    {"type_annotation", "type", "named_type", "qualified_type", "pointer_type", "decorator"}
)


def _every(root: Node) -> Iterator[Node]:
    """Every node of the tree, functions included."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _key(node: Node) -> tuple[int, int, str]:
    # Node objects are made afresh on every access: identity is the span and type.
    return (node.start_byte, node.end_byte, str(node.type))


def _contains(outer: Node, inner: Node) -> bool:
    return bool(outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte)


def _identifiers(node: Node | None) -> list[str]:
    if node is None:
        return []
    if node.type in ("identifier", "variable_name", "shorthand_property_identifier_pattern"):
        return [_text(node)]
    out: list[str] = []
    for child in node.named_children:
        if child.type in (
            "type_annotation",
            "type",
            "named_type",
            "qualified_type",
            "pointer_type",
        ):
            continue
        if child.type == "decorator":
            continue
        out.extend(_identifiers(child))
    return out


def parse(path: str, text: str, language: str) -> Module:
    return _Walker(path, text, language).run()


ParseFunction = Callable[[str, str, str], Module]
