"""Verifier helpers imported from another module of the scanned tree, read rather than trusted.

A handler that calls (or is decorated by) a verifier-like name it imports
(``from .security import verify_signature``, ``import app.security``) gets that helper's real
facts: the module is resolved to a file inside the tree, parsed with the same front-end, and
the helper (with what it reaches in its own module) is added to the handler's module with
every site moved to the first use of the name in the handler's file, so findings land there.
Python, JavaScript/TypeScript relative imports (``./x``, ``../x``; see ``script_imports``),
Go packages and PHP includes and PSR-4 classes (see ``native_imports``). Bounded: one level
(the helper's own imports are not followed), files under the size limit, never outside
the tree. Whatever cannot be resolved or read keeps the benefit of
the doubt.
"""

from __future__ import annotations

import ast
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial

from wabaguard.webhooks import vocabulary as vocab
from wabaguard.webhooks.model import Function, Module, Site


@dataclass(frozen=True)
class Tree:
    """Where the handler's file is and the tree its reads must stay in."""

    abspath: str
    relpath: str
    root: str
    max_size: int


_SCRIPT_LANGUAGES = frozenset({"javascript", "typescript", "tsx"})
_NATIVE_LANGUAGES = frozenset({"php", "go"})
_TREE_SITTER = _SCRIPT_LANGUAGES | _NATIVE_LANGUAGES


@dataclass
class Imports:
    # Local name -> (module candidates, name in that module).
    names: dict[str, tuple[list[str], str]]
    modules: list[list[str]]  # ``import a.b`` / ``from a import b``: candidates of a module


def link(module: Module, text: str, tree: Tree) -> None:
    """Add the imported verifiers ``module`` reaches by name (see the module docstring)."""
    local = {fn.name for fn in module.functions} | {fn.owner for fn in module.functions}
    native = module.language in _NATIVE_LANGUAGES
    reached = {name for fn in module.functions for name in fn.calls | fn.middleware}
    if native:
        reached |= module.mounts  # Go's Use(...) and wrappers
    wanted = sorted(
        name for name in reached if name not in local and vocab.VERIFIER_NAME.search(name)
    )
    if not wanted:
        return
    first_use: Callable[[str], Site]
    if native:
        from wabaguard.webhooks.analysis import Analysis

        if not any(Analysis(module).handlers()):
            return  # lazy: no handler here, nothing to read elsewhere
        from wabaguard.webhooks import native_imports

        imports, first_use = native_imports.imports(text, module.language, tree)
    elif module.language == "python":
        syntax = ast.parse(text)
        imports = _imports(syntax, tree)
        first_use = partial(_first_use, syntax)
    elif module.language in _SCRIPT_LANGUAGES:
        from wabaguard.webhooks import script_imports

        imports, first_use = script_imports.imports(text, module.language, tree)
    else:
        return
    parsed: dict[str, Module | None] = {}
    added: set[tuple[str, str]] = set()
    for name in wanted:
        for path, target in _targets(name, imports):
            foreign = _load(path, tree, parsed)
            found = _defined(foreign, target, by_class=module.language == "php")
            if foreign is None or not found:
                continue
            site = first_use(name)
            for fn in _reached(foreign, found):
                if (path, fn.name) not in added:
                    added.add((path, fn.name))
                    origin = f"{_shown(path, tree)}:{fn.site.line}"
                    alias = name if any(fn is f for f in found) else fn.name
                    module.functions.append(_moved(fn, alias, site, origin))
            break


def _defined(foreign: Module | None, target: str, *, by_class: bool) -> list[Function]:
    """The functions named ``target`` in ``foreign``; for PHP also a class's methods (a
    middleware class named in a route, ``Signature::class``)."""
    if foreign is None:
        return []
    found = [fn for fn in foreign.functions if fn.name == target]
    if not found and by_class:
        found = [fn for fn in foreign.functions if fn.owner == target]
    return found


def _imports(syntax: ast.Module, tree: Tree) -> Imports:
    result = Imports({}, [])
    for node in ast.walk(syntax):
        if isinstance(node, ast.Import):
            for alias in node.names:
                result.modules.append(_candidates(alias.name, 0, tree))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                local = alias.asname or alias.name
                result.names[local] = (_candidates(node.module or "", node.level, tree), alias.name)
                dotted = f"{node.module}.{alias.name}" if node.module else alias.name
                result.modules.append(_candidates(dotted, node.level, tree))
    return result


def _targets(name: str, imports: Imports) -> Iterator[tuple[str, str]]:
    """(file candidate, function name in it): the name imported directly, else any module
    imported whole (``app.security.verify_signature(...)`` is recorded as its last segment)."""
    if name in imports.names:
        paths, original = imports.names[name]
        for path in paths:
            yield path, original
        return
    for paths in imports.modules:
        for path in paths:
            yield path, name


def _candidates(dotted: str, level: int, tree: Tree) -> list[str]:
    parts = [p for p in dotted.split(".") if p]
    here = os.path.dirname(os.path.abspath(tree.abspath))
    if level:
        for _ in range(level - 1):
            here = os.path.dirname(here)
        bases = [here]
    else:
        bases = list(dict.fromkeys([_package_root(here, tree.root), tree.root]))
    if not parts:
        return []
    found: list[str] = []
    for base in bases:
        stem = os.path.join(base, *parts)
        found += [stem + ".py", os.path.join(stem, "__init__.py")]
    return found


def _package_root(directory: str, root: str) -> str:
    """The directory absolute imports start from: above the outermost package (``__init__``)."""
    while (
        os.path.isfile(os.path.join(directory, "__init__.py"))
        and _inside(os.path.dirname(directory), root)
        and os.path.dirname(directory) != directory
    ):
        directory = os.path.dirname(directory)
    return directory


def first_use_of(uses: Iterable[tuple[str, Site]]) -> Callable[[str], Site]:
    """The earliest site of each name among ``uses``: where a finding about an imported
    helper lands in the handler's file (line 1 for a name never used)."""
    earliest: dict[str, Site] = {}
    for name, site in uses:
        known = earliest.get(name)
        if known is None or (site.line, site.column) < (known.line, known.column):
            earliest[name] = site

    def first_use(name: str) -> Site:
        return earliest.get(name, Site(1, 1, 1, 1))

    return first_use


def _inside(path: str, root: str) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _load(path: str, tree: Tree, parsed: dict[str, Module | None]) -> Module | None:
    if path in parsed:
        return parsed[path]
    parsed[path] = None
    if not _inside(path, tree.root) or not os.path.isfile(path):
        return None
    from wabaguard.webhooks import WebhookError, language_of

    language = language_of(path)
    try:
        if os.path.getsize(path) > tree.max_size:
            return None
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
        if language == "python":
            from wabaguard.webhooks import python_ast

            parsed[path] = python_ast.parse(path, text)
        elif language in _TREE_SITTER:
            from wabaguard.webhooks import treesitter

            parsed[path] = treesitter.parse(path, text, language)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError, WebhookError):
        return None  # unreadable: the name keeps the benefit of the doubt
    return parsed[path]


def _reached(foreign: Module, found: list[Function]) -> Iterable[Function]:
    from wabaguard.webhooks.analysis import Analysis

    analysis = Analysis(foreign)
    seen: dict[int, Function] = {}
    for fn in found:
        for reached in analysis.reach(fn):
            seen.setdefault(id(reached), reached)
    return seen.values()


def _first_use(syntax: ast.Module, name: str) -> Site:
    """Where the handler's file first uses the name (a call, a decorator, a dependency)."""
    uses = [
        node
        for node in ast.walk(syntax)
        if (isinstance(node, ast.Name) and node.id == name)
        or (isinstance(node, ast.Attribute) and node.attr == name)
    ]
    node = min(uses, key=lambda n: (n.lineno, n.col_offset), default=None)
    if node is None:
        return Site(1, 1, 1, 1)
    end = node.end_col_offset if node.end_lineno == node.lineno else None
    column = node.col_offset + 1
    return Site(node.lineno, column, node.lineno, (end or node.col_offset + len(name)) + 1)


def _moved(fn: Function, name: str, site: Site, origin: str) -> Function:
    """The helper's facts, every site at the call in the handler's file; not a handler."""
    return replace(
        fn,
        name=name,
        site=site,
        reads_payload=False,
        evidence=False,
        route=None,
        header_256=[site for _ in fn.header_256],
        header_sha1=[site for _ in fn.header_sha1],
        macs=[replace(m, site=site) for m in fn.macs],
        compares=[replace(c, site=site) for c in fn.compares],
        checks=[replace(c, site=site) for c in fn.checks],
        discarded=[(called, site) for called, _ in fn.discarded],
        calls=set(fn.calls),
        middleware=set(fn.middleware),
        origin=origin,
        literals=[],  # in the helper's own file: its own scan reports them there
    )


def _shown(path: str, tree: Tree) -> str:
    """The helper's path as reports show the handler's: relative to the same directory."""
    here = os.path.dirname(os.path.abspath(tree.abspath))
    relative = os.path.relpath(os.path.realpath(path), os.path.realpath(here))
    return posixpath.normpath(posixpath.join(posixpath.dirname(tree.relpath), relative))
