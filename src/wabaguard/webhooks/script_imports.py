"""JavaScript/TypeScript imports for ``imports.link``: relative modules only (``./x``, ``../x``).

A bare specifier (``express``, ``@scope/pkg``) is a package, not a file of the tree, and an
alias (``@/lib/x``) depends on a bundler's configuration: both keep the benefit of the doubt.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wabaguard.webhooks.model import Site

if TYPE_CHECKING:
    from wabaguard.webhooks.imports import Imports, Tree

_SUFFIXES = (".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".mts", ".cts")
# Where a name is bound rather than used.
_BINDING_PARENTS = frozenset(
    {"import_specifier", "import_clause", "namespace_import", "variable_declarator", "pair_pattern"}
)


def imports(text: str, language: str, tree: Tree) -> tuple[Imports, Callable[[str], Site]]:
    from wabaguard.webhooks.imports import Imports, first_use_of
    from wabaguard.webhooks.treesitter import _every, _parser, _site, _text

    root = _parser(language).parse(text.encode("utf-8", "replace")).root_node
    result = Imports({}, [])
    uses: list[tuple[str, Site]] = []
    for node in _every(root):
        if node.type == "import_statement":
            _import(node, _candidates(_source(node.child_by_field_name("source")), tree), result)
        elif node.type == "call_expression" and _text(node.child_by_field_name("function")) == (
            "require"
        ):
            args = node.child_by_field_name("arguments")
            source = args.named_children[0] if args is not None and args.named_children else None
            _require(node, _candidates(_source(source), tree), result)
        elif node.type in ("identifier", "property_identifier") and _used(node):
            uses.append((_text(node), _site(node)))
    return result, first_use_of(uses)


def _used(node: Any) -> bool:
    parent = node.parent
    return parent is not None and parent.type not in _BINDING_PARENTS


def _parent_type(node: Any) -> str:
    return str(node.parent.type) if node.parent is not None else ""


def _source(node: Any) -> str:
    from wabaguard.webhooks.treesitter import _text

    if node is None or node.type != "string":
        return ""
    return _text(node)[1:-1]


def _candidates(source: str, tree: Tree) -> list[str]:
    if not source.startswith(("./", "../")):
        return []
    base = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(tree.abspath)), source))
    found = [base] if base.endswith(_SUFFIXES) else []
    # TypeScript written for ESM imports `./x.js` for `./x.ts`.
    stem = base[: -len(".js")] if base.endswith(".js") else base
    found += [stem + suffix for suffix in _SUFFIXES]
    found += [os.path.join(base, "index" + suffix) for suffix in _SUFFIXES]
    return list(dict.fromkeys(found))


def _import(node: Any, paths: list[str], result: Imports) -> None:
    from wabaguard.webhooks.treesitter import _every, _text

    if not paths:
        return
    for child in _every(node):
        if child.type == "import_specifier":
            name = _text(child.child_by_field_name("name"))
            alias = _text(child.child_by_field_name("alias")) or name
            result.names[alias] = (paths, name)
        elif child.type == "namespace_import":
            result.modules.append(paths)
        elif child.type == "identifier" and _parent_type(child) == "import_clause":
            # A default import: looked up by the name it is given (usually the exported one).
            result.names[_text(child)] = (paths, _text(child))


def _require(node: Any, paths: list[str], result: Imports) -> None:
    from wabaguard.webhooks.treesitter import _text

    declarator = node.parent
    if not paths or declarator is None or declarator.type != "variable_declarator":
        return
    bound = declarator.child_by_field_name("name")
    if bound is None:
        return
    if bound.type == "identifier":  # const security = require('./security')
        result.modules.append(paths)
        return
    for child in bound.named_children:  # const { verify, check: alias } = require(...)
        if child.type == "shorthand_property_identifier_pattern":
            result.names[_text(child)] = (paths, _text(child))
        elif child.type == "pair_pattern":
            key = _text(child.child_by_field_name("key"))
            value = _text(child.child_by_field_name("value"))
            result.names[value] = (paths, key)
