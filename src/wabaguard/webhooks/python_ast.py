"""Python front-end: Flask, FastAPI, Django, aiohttp handlers read with ``ast``."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from wabaguard.webhooks import literals
from wabaguard.webhooks import py_literals as pylit
from wabaguard.webhooks import vocabulary as vocab
from wabaguard.webhooks.model import Check, Compare, Function, Mac, Module, Route, Site

_ROUTE_DECORATORS = frozenset(
    {"route", "post", "api_route", "add_route", "view", "websocket_route", "api_view"}
)
_DJANGO_DECORATORS = frozenset({"csrf_exempt", "require_POST", "require_http_methods"})
_REGISTRATIONS = frozenset({"add_url_rule", "add_post", "add_route", "path", "re_path", "url"})
_MOUNT_DECORATORS = frozenset({"before_request", "middleware", "before_app_request"})
_PAYLOAD_ATTRS = frozenset(
    {"json", "get_json", "data", "get_data", "body", "stream", "read", "text", "content", "POST"}
)
_REQUEST_NAMES = frozenset({"request", "req", "r"})
_HASHES = frozenset({"sha256", "sha1", "md5", "sha512", "new"})
_NOT_PAYLOAD_TYPES = frozenset(
    {"Request", "HttpRequest", "str", "int", "bool", "BackgroundTasks", "Response", "Session"}
)


def _site(node: ast.AST) -> Site:
    line = getattr(node, "lineno", 1)
    column = getattr(node, "col_offset", 0) + 1
    end_line = getattr(node, "end_lineno", None) or line
    end_column = (getattr(node, "end_col_offset", None) or column) + 1
    return Site(line, column, end_line, end_column)


def _header_site(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> Site:
    """The ``def name`` part of the header (decorators come before it)."""
    text = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    start = text.find("def ", node.col_offset)
    start = node.col_offset if start < 0 else start
    end = text.find(node.name, start)
    end = start + 3 if end < 0 else end + len(node.name)
    return Site(node.lineno, start + 1, node.lineno, end + 1)


def _name(node: ast.AST) -> str:
    """The last segment of a callee or decorator: ``app.route(...)`` -> "route"."""
    if isinstance(node, ast.Call):
        return _name(node.func)
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return _dotted(node.func) + "()"
    return ""


def _walk_body(node: ast.AST) -> Iterator[ast.AST]:
    """Every node of a function, not entering nested functions or classes."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(child))


def _strings(node: ast.AST) -> Iterator[ast.Constant]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child


class _Source:
    """Source segments of nodes in O(length): ``ast.get_source_segment`` re-splits the whole
    file on every call, quadratic on large modules."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.encoded: dict[int, bytes] = {}
        self.tree: ast.Module | None = None
        self._definitions: pylit.Definitions | None = None

    def definitions(self) -> pylit.Definitions:
        """The file's names and fields, read on first use (only a key or a token needs it)."""
        if self._definitions is None:
            self._definitions = pylit.Definitions(self.tree or ast.Module([], []))
        return self._definitions

    def _line(self, number: int) -> bytes:
        if number not in self.encoded:
            self.encoded[number] = self.lines[number - 1].encode("utf-8")
        return self.encoded[number]

    def segment(self, node: ast.AST) -> str:
        line = getattr(node, "lineno", None)
        end_line = getattr(node, "end_lineno", None)
        start = getattr(node, "col_offset", None)
        end = getattr(node, "end_col_offset", None)
        if line is None or end_line is None or start is None or end is None:
            return ""
        if not (1 <= line <= end_line <= len(self.lines)):
            return ""
        if line == end_line:
            return self._line(line)[start:end].decode("utf-8", "replace")
        parts = [self._line(line)[start:]]
        parts.extend(self._line(n) for n in range(line + 1, end_line))
        parts.append(self._line(end_line)[:end])
        return b"".join(parts).decode("utf-8", "replace")


class _Facts:
    """Collects one function's facts."""

    def __init__(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, source: _Source) -> None:
        self.fn = fn
        self.source = source
        self.tainted: set[str] = set()  # names holding a signature or a digest
        self.serialised: dict[str, str] = {}  # name -> serialiser it was assigned from
        self.mac_names: set[str] = set()  # names bound to hmac.new(...) objects
        self.verdicts: dict[str, frozenset[str]] = {}  # name -> calls it was assigned from
        self._resolver: pylit.Resolver | None = None
        self._token_names: set[str] | None = None

    def resolver(self) -> pylit.Resolver:
        if self._resolver is None:
            self._resolver = pylit.Resolver(self.fn, self.source.definitions)
        return self._resolver

    def token_names(self) -> set[str]:
        if self._token_names is None:
            self._token_names = pylit.verify_token_names(self.fn)
        return self._token_names

    def is_sig_source(self, node: ast.AST) -> bool:
        return any(vocab.SIGNATURE_HEADER.search(str(const.value)) for const in _strings(node))

    def is_tainted(self, node: ast.AST) -> bool:
        if self.is_sig_source(node):
            return True
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and child.id in self.tainted:
                return True
            if isinstance(child, ast.Call) and _name(child) in ("hexdigest", "digest"):
                return True
            if isinstance(child, ast.Call) and _dotted(child.func) in ("hmac.new", "hmac.HMAC"):
                return True
        return False

    def propagate(self) -> None:
        for arg in [*self.fn.args.args, *self.fn.args.kwonlyargs]:
            if vocab.SIGNATURE_HEADER.search(arg.arg) or "signature" in arg.arg.lower():
                self.tainted.add(arg.arg)
        assigns = [n for n in _walk_body(self.fn) if isinstance(n, (ast.Assign, ast.AnnAssign))]
        for _ in range(4):  # a few rounds reach every chain real handlers write
            before = len(self.tainted)
            for node in assigns:
                value = node.value
                if value is None:
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if self.is_tainted(value):
                    self.tainted.update(names)
                serialiser = self._serialiser(value)
                if serialiser:
                    for name in names:
                        self.serialised[name] = serialiser
                if isinstance(value, ast.Call) and _dotted(value.func) in ("hmac.new", "hmac.HMAC"):
                    self.mac_names.update(names)
                calls = frozenset(_name(c) for c in ast.walk(value) if isinstance(c, ast.Call))
                if calls:
                    for name in names:
                        self.verdicts[name] = calls
            if len(self.tainted) == before:
                break

    def _serialiser(self, node: ast.AST) -> str:
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and child.id in self.serialised:
                return self.serialised[child.id]
        text = self.source.segment(node)
        match = vocab.SERIALISER.search(text)
        return match.group() if match else ""


def _payload_read(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr in _PAYLOAD_ATTRS:
        base = node.value
        if isinstance(base, ast.Name) and base.id in _REQUEST_NAMES:
            return True
        if isinstance(base, ast.Attribute) and base.attr == "request":
            return True
    return False


def _is_negated(test: ast.expr) -> bool:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op, right = test.ops[0], test.comparators[0]
        if isinstance(op, ast.NotEq):
            return True
        if isinstance(op, (ast.Is, ast.Eq)) and isinstance(right, ast.Constant):
            return right.value is False
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_is_negated(v) for v in test.values)
    return False


def _terminates(body: list[ast.stmt]) -> bool:
    for stmt in body:
        for node in [stmt, *_walk_body(stmt)]:
            if isinstance(node, (ast.Return, ast.Raise)):
                return True
            if isinstance(node, ast.Call) and _name(node) in vocab.TERMINATING_CALLS:
                return True
    return False


class PythonFrontEnd:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.lines = text.splitlines()
        self.source = _Source(text)
        self.header_keys: set[int] = set()

    def module(self) -> Module:
        tree = ast.parse(self.text, filename=self.path)
        self.source.tree = tree
        module = Module(self.path, "python")
        module.evidence = vocab.is_evidence(self.text)
        app_in_file = any(
            isinstance(n, ast.Call) and _name(n) in ("Flask", "FastAPI", "Application", "Sanic")
            for n in ast.walk(tree)
        )
        registered = self._registrations(tree, module)
        for owner, node in self._functions(tree):
            module.functions.append(self._function(node, owner, registered, app_in_file, module))
        return module

    def _functions(
        self, tree: ast.AST
    ) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
        stack: list[tuple[str, ast.AST]] = [("", tree)]
        while stack:
            owner, node = stack.pop()
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield owner, child
                    stack.append((owner, child))
                elif isinstance(child, ast.ClassDef):
                    stack.append((child.name, child))
                else:
                    stack.append((owner, child))

    def _registrations(self, tree: ast.AST, module: Module) -> dict[str, Route]:
        """``app.add_url_rule(view_func=f)``, ``router.add_post(path, f)``, ``path(p, f)``."""
        found: dict[str, Route] = {}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node) not in _REGISTRATIONS:
                continue
            refs = [*node.args, *(k.value for k in node.keywords if k.arg == "view_func")]
            path = next(
                (
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                ),
                "",
            )
            framework = "django" if _name(node) in ("path", "re_path", "url") else "aiohttp"
            methods = frozenset({"POST"}) if _name(node) == "add_post" else frozenset()
            for ref in refs:
                name = _name(ref) if isinstance(ref, (ast.Name, ast.Attribute)) else ""
                if name:
                    found[name] = Route(framework, methods, str(path), app_in_file=False)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) == "add_middleware" and node.args:
                module.mounts.add(_name(node.args[0]))
        return found

    def _route(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, owner: str, app_in_file: bool
    ) -> tuple[Route | None, set[str]]:
        route: Route | None = None
        middleware: set[str] = set()
        for deco in node.decorator_list:
            name = _name(deco)
            if name in _ROUTE_DECORATORS or (name in ("get", "put") and isinstance(deco, ast.Call)):
                methods: set[str] = set()
                if name in ("post", "get", "put"):
                    methods.add(name.upper())
                path = ""
                if isinstance(deco, ast.Call):
                    for kw in deco.keywords:
                        if kw.arg == "methods":
                            methods.update(str(s.value).upper() for s in _strings(kw.value))
                        if kw.arg == "dependencies":
                            middleware.update(self._depends(kw.value))
                    if name == "api_view":
                        methods.update(str(s.value).upper() for s in _strings(deco))
                    first = deco.args[0] if deco.args else None
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        path = first.value
                framework = "fastapi" if name in ("post", "get", "put", "api_route") else "flask"
                if name == "api_view":
                    framework = "django"
                route = Route(framework, frozenset(methods), path, app_in_file=app_in_file)
            elif name in _DJANGO_DECORATORS:
                route = route or Route("django", frozenset({"POST"}), app_in_file=False)
            elif name:
                middleware.add(name)
        if route is None and owner and node.name == "post":
            route = Route("django", frozenset({"POST"}), app_in_file=False)  # a class view
        return route, middleware

    def _depends(self, node: ast.AST) -> set[str]:
        names = set()
        for child in ast.walk(node):
            if (
                isinstance(child, ast.Call)
                and _name(child) in ("Depends", "Security")
                and child.args
            ):
                names.add(_name(child.args[0]))
        return names

    def _function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        owner: str,
        registered: dict[str, Route],
        app_in_file: bool,
        module: Module,
    ) -> Function:
        fn = Function(node.name, _header_site(node, self.lines), owner=owner)
        fn.route, fn.middleware = self._route(node, owner, app_in_file)
        if fn.route is None and node.name in registered:
            fn.route = registered[node.name]
        if fn.middleware & _MOUNT_DECORATORS or any(
            _name(d) in _MOUNT_DECORATORS for d in node.decorator_list
        ):
            module.mounts.add(node.name)
        segment = self.source.segment(node)
        fn.evidence = vocab.is_evidence(segment)
        self.header_keys = _header_keys(node)
        facts = _Facts(node, self.source)
        facts.propagate()
        self._parameters(node, fn)
        for child in _walk_body(node):
            self._node(child, fn, facts)
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                fn.calls.add(child.name)  # a decorator's wrapper: reached by the decorator
        self._statement_lists(node, fn, facts)
        return fn

    def _parameters(self, node: ast.FunctionDef | ast.AsyncFunctionDef, fn: Function) -> None:
        args = [*node.args.args, *node.args.kwonlyargs]
        defaults = [
            *([None] * (len(node.args.args) - len(node.args.defaults))),
            *node.args.defaults,
            *node.args.kw_defaults,
        ]
        for arg, default in zip(args, defaults, strict=False):
            match = vocab.SIGNATURE_HEADER.search(arg.arg)
            if match or "signature" in arg.arg.lower():
                fn.takes_signature = True
            if match:
                (fn.header_256 if match.group(1) else fn.header_sha1).append(_site(arg))
            if default is not None:
                fn.middleware.update(self._depends(default))
                if vocab.SIGNATURE_HEADER.search(" ".join(str(s.value) for s in _strings(default))):
                    fn.header_256.append(_site(arg))
            annotation = arg.annotation
            if (
                fn.route is not None
                and isinstance(annotation, ast.Name)
                and annotation.id not in _NOT_PAYLOAD_TYPES
                and annotation.id[:1].isupper()
            ):
                fn.reads_payload = True  # FastAPI parses a pydantic model from the body
            if isinstance(default, ast.Call) and _name(default) == "Body":
                fn.reads_payload = True

    def _node(self, node: ast.AST, fn: Function, facts: _Facts) -> None:
        if _payload_read(node):
            fn.reads_payload = True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = (
                None if id(node) in self.header_keys else vocab.HEADER_NAME.fullmatch(node.value)
            )
            if match:
                (fn.header_256 if match.group(1) else fn.header_sha1).append(_site(node))
        if isinstance(node, ast.Call):
            self._call(node, fn, facts)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            if isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
                left, right = node.left, node.comparators[0]
                if _is_signature_compare(left, right, facts):
                    op = "==" if isinstance(node.ops[0], ast.Eq) else "!="
                    fn.compares.append(Compare(_site(node), op, safe=False))
                else:
                    _verify_token_literal(left, right, fn, facts)
        elif isinstance(node, ast.Return) and node.value is not None:
            value = node.value
            if any(
                isinstance(c, ast.Compare)
                or (isinstance(c, ast.Call) and _name(c) in vocab.SAFE_COMPARE)
                for c in ast.walk(value)
            ) and (
                facts.is_tainted(value)
                or any(
                    isinstance(c, ast.Call) and _name(c) in vocab.SAFE_COMPARE
                    for c in ast.walk(value)
                )
            ):
                fn.returns_verdict = True

    def _call(self, node: ast.Call, fn: Function, facts: _Facts) -> None:
        name = _name(node)
        dotted = _dotted(node.func)
        if name:
            fn.calls.add(name)
        if name in vocab.SAFE_COMPARE:
            fn.compares.append(Compare(_site(node), name, safe=True))
        elif name == "startswith" and isinstance(node.func, ast.Attribute) and node.args:
            arg = node.args[0]
            if not isinstance(arg, ast.Constant) and (
                facts.is_tainted(node.func.value) or facts.is_tainted(arg)
            ):
                fn.compares.append(Compare(_site(node), "startswith", safe=False))
        if dotted in ("hmac.new", "hmac.HMAC", "hmac.digest", "HMAC"):
            msg = node.args[1] if len(node.args) > 1 else None
            mod = node.args[2] if len(node.args) > 2 else None
            for kw in node.keywords:
                if kw.arg == "msg":
                    msg = kw.value
                elif kw.arg in ("digestmod", "digest"):
                    mod = kw.value
            algorithm = vocab.algorithm_of(self.source.segment(mod)) if mod else ""
            serialiser = facts._serialiser(msg) if msg is not None else ""
            fn.macs.append(Mac(_site(node), algorithm, keyed=True, reserialised=serialiser))
            key = node.args[0] if node.args else None
            key = next((kw.value for kw in node.keywords if kw.arg == "key"), key)
            if key is not None:
                found = pylit.literal(literals.APP_SECRET, facts.resolver().resolve(key))
                if found is not None:
                    fn.literals.append(found)
        elif name == "update" and isinstance(node.func, ast.Attribute) and node.args:
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and receiver.id in facts.mac_names:
                serialiser = facts._serialiser(node.args[0])
                if serialiser:
                    fn.macs.append(Mac(_site(node), "", keyed=True, reserialised=serialiser))
        elif dotted.startswith("hashlib.") and name in _HASHES:
            algorithm = vocab.algorithm_of(dotted if name != "new" else _dotted_args(node))
            fn.macs.append(Mac(_site(node), algorithm, keyed=False))

    def _statement_lists(self, node: ast.AST, fn: Function, facts: _Facts) -> None:
        """Checks (``if`` on a verification) and discarded calls, with what follows them."""
        for child in [node, *_walk_body(node)]:
            for field_name in ("body", "orelse", "finalbody"):
                stmts = getattr(child, field_name, None)
                if not isinstance(stmts, list):
                    continue
                for i, stmt in enumerate(stmts):
                    if isinstance(stmt, ast.If):
                        # Only a return follows: nothing is processed after the check.
                        more = i + 1 < len(stmts) and not isinstance(stmts[i + 1], ast.Return)
                        self._check(stmt, fn, facts, more=more)
                    elif isinstance(stmt, ast.Expr):
                        call = stmt.value
                        if isinstance(call, ast.Await):
                            call = call.value
                        if isinstance(call, ast.Call) and _name(call):
                            fn.discarded.append((_name(call), _site(call)))

    def _check(self, stmt: ast.If, fn: Function, facts: _Facts, *, more: bool) -> None:
        test = stmt.test
        direct = False
        calls: set[str] = set()
        for child in ast.walk(test):
            if isinstance(child, ast.Call):
                name = _name(child)
                calls.add(name)
                if name in vocab.SAFE_COMPARE:
                    direct = True
            elif isinstance(child, ast.Compare) and len(child.ops) == 1:
                if isinstance(child.ops[0], (ast.Eq, ast.NotEq)) and _is_signature_compare(
                    child.left, child.comparators[0], facts
                ):
                    direct = True
            elif isinstance(child, ast.Name) and child.id in facts.verdicts:
                calls.update(facts.verdicts[child.id])
                direct = direct or bool(facts.verdicts[child.id] & vocab.SAFE_COMPARE)
        if not direct and not calls:
            return
        negated = _is_negated(test)
        failure = stmt.body if negated else stmt.orelse
        falls_through = negated and more and not _terminates(failure)
        fn.checks.append(Check(_site(stmt), direct, frozenset(calls), falls_through))


def _header_keys(fn: ast.AST) -> set[int]:
    """Constants naming a header being set (dict keys, ``headers[...] = ``, ``.set(...)``)."""
    keys: set[int] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Dict):
            keys.update(id(k) for k in node.keys if k is not None)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            keys.add(id(node.slice))
        elif isinstance(node, ast.Call) and _name(node) in ("set", "add_header", "setdefault"):
            keys.update(id(a) for a in node.args[:1])
    return keys


def _dotted_args(node: ast.Call) -> str:
    return " ".join(str(s.value) for s in _strings(node))


def _is_constant(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) or (
        isinstance(node, ast.Call) and _name(node) in ("len", "type", "isinstance")
    )


def _is_signature_compare(left: ast.AST, right: ast.AST, facts: _Facts) -> bool:
    if _is_constant(left) or _is_constant(right):
        return False
    return facts.is_tainted(left) or facts.is_tainted(right)


def _verify_token_literal(left: ast.AST, right: ast.AST, fn: Function, facts: _Facts) -> None:
    """``request.args.get("hub.verify_token") == "..."``: the token written in the file."""
    names = facts.token_names()
    for token, other in ((left, right), (right, left)):
        if pylit.reads_verify_token(token, names) and not pylit.reads_verify_token(other, names):
            found = pylit.literal(literals.VERIFY_TOKEN, facts.resolver().resolve(other))
            if found is not None:
                fn.literals.append(found)
            return


def parse(path: str, text: str) -> Module:
    return PythonFrontEnd(path, text).module()
