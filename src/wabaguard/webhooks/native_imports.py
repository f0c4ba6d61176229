"""PHP and Go imports for ``imports.link``: the files a handler reaches helpers in.

Go: the other ``.go`` files of the handler's directory that declare the same ``package``
(reachable without an import), and packages of the same module (``go.mod``'s ``module`` path
plus a sub-directory) it imports. PHP: ``require``/``include`` (``_once``) of a path relative
to the file (``__DIR__ . '/x.php'``, ``dirname(__FILE__) . '/x.php'``, ``'lib/x.php'``), and
``use App\\...\\Class;`` resolved through ``composer.json``'s PSR-4 autoload map. Bounded:
``MAX_FILES`` files per package or import list, each within the size limit, never outside
the tree; anything else keeps the benefit of the doubt.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from wabaguard.webhooks.imports import _inside
from wabaguard.webhooks.model import Site

if TYPE_CHECKING:
    from wabaguard.webhooks.imports import Imports, Tree

MAX_FILES = 64  # files of one package or one import list read at most
MAX_MANIFEST = 256 * 1024  # go.mod / composer.json larger than this are not read
_PACKAGE = re.compile(rb"^\s*package\s+(\w+)", re.MULTILINE)
_MODULE = re.compile(r"^\s*module\s+(\S+)", re.MULTILINE)
_USE_TYPES = frozenset({"identifier", "field_identifier", "name", "type_identifier"})


def imports(text: str, language: str, tree: Tree) -> tuple[Imports, Callable[[str], Site]]:
    from wabaguard.webhooks.imports import Imports
    from wabaguard.webhooks.treesitter import _parser

    root = _parser(language).parse(text.encode("utf-8", "replace")).root_node
    result = Imports({}, [])
    if language == "go":
        _go(root, text, tree, result)
    else:
        _php(root, tree, result)
    return result, _first_uses(root)


def _first_uses(root: Any) -> Callable[[str], Site]:
    from wabaguard.webhooks.imports import first_use_of
    from wabaguard.webhooks.treesitter import _every, _site, _text

    return first_use_of(
        (_text(node), _site(node))
        for node in _every(root)
        if node.type in _USE_TYPES
        and node.parent is not None
        and node.parent.type not in ("function_declaration", "method_declaration")
    )


def _manifest(start: str, name: str, root: str) -> tuple[str, str] | None:
    """The nearest ``name`` (go.mod, composer.json) from ``start`` up to the tree root:
    (its directory, its text)."""
    directory = start
    while _inside(directory, root):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            try:
                if os.path.getsize(path) > MAX_MANIFEST:
                    return None
                with open(path, encoding="utf-8") as handle:
                    return directory, handle.read()
            except (OSError, UnicodeDecodeError):
                return None
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return None


# -- Go -----------------------------------------------------------------------------------


def _go_files(directory: str, package: bytes, skip: str) -> list[str]:
    """The package's other files in ``directory`` (not tests), at most ``MAX_FILES``."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    found: list[str] = []
    for name in names:
        if not name.endswith(".go") or name.endswith("_test.go"):
            continue
        path = os.path.join(directory, name)
        if os.path.realpath(path) == os.path.realpath(skip) or not os.path.isfile(path):
            continue
        if package and _package_of(path) != package:
            continue
        found.append(path)
        if len(found) >= MAX_FILES:
            break
    return found


def _package_of(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError:
        return b""
    match = _PACKAGE.search(head)
    return match.group(1) if match else b""


def _go(root: Any, text: str, tree: Tree, result: Imports) -> None:
    here = os.path.dirname(os.path.abspath(tree.abspath))
    match = _PACKAGE.search(text.encode("utf-8", "replace"))
    package = match.group(1) if match else b""
    siblings = _go_files(here, package, tree.abspath)
    if siblings:
        result.modules.append(siblings)
    manifest = _manifest(here, "go.mod", tree.root)
    if manifest is None:
        return
    module_root, gomod = manifest
    found = _MODULE.search(gomod)
    if found is None:
        return
    module_path = found.group(1).strip('"')
    for path in _go_import_paths(root):
        if not path.startswith(module_path + "/"):
            continue  # the standard library or another module: not in this tree
        directory = os.path.join(module_root, *path[len(module_path) + 1 :].split("/"))
        if _inside(directory, tree.root) and os.path.isdir(directory):
            files = _go_files(directory, b"", "")
            if files:
                result.modules.append(files)


def _go_import_paths(root: Any) -> Iterator[str]:
    from wabaguard.webhooks.treesitter import _every, _text

    for node in _every(root):
        if node.type == "import_spec":
            source = node.child_by_field_name("path")
            if source is not None:
                yield _text(source).strip('"`')


# -- PHP ----------------------------------------------------------------------------------

_INCLUDES = frozenset(
    {"require_expression", "require_once_expression", "include_expression",
     "include_once_expression"}
)  # fmt: skip


def _php(root: Any, tree: Tree, result: Imports) -> None:
    from wabaguard.webhooks.treesitter import _every

    here = os.path.dirname(os.path.abspath(tree.abspath))
    included: list[str] = []
    autoload: list[tuple[str, list[str]]] | None = None
    for node in _every(root):
        if node.type in _INCLUDES and len(included) < MAX_FILES:
            target = _include_target(node, here)
            if target:
                included.append(target)
        elif node.type == "namespace_use_clause":
            if autoload is None:
                autoload = _psr4(here, tree.root)
            _use(node, autoload, result)
    if included:
        result.modules.append(included)


def _include_target(node: Any, here: str) -> str:
    """The file an include names, relative to the including file; "" when not static."""
    from wabaguard.webhooks.treesitter import _every, _text

    parts: list[str] = []
    for child in _every(node):
        if child.type in ("string", "encapsed_string"):
            if any(c.type not in ("string_content", "string_value") for c in child.named_children):
                return ""  # interpolated
            parts.append(_text(child)[1:-1])
        elif child.type == "variable_name":
            return ""  # built at run time
    relative = "".join(parts).lstrip("/")
    if not relative.endswith(".php"):
        return ""
    return os.path.normpath(os.path.join(here, relative))


def _psr4(here: str, root: str) -> list[tuple[str, list[str]]]:
    """composer.json's PSR-4 map, (namespace prefix, directories), longest prefix first."""
    manifest = _manifest(here, "composer.json", root)
    if manifest is None:
        return []
    directory, text = manifest
    try:
        doc = json.loads(text)
    except ValueError:
        return []
    table = doc.get("autoload", {}).get("psr-4", {}) if isinstance(doc, dict) else {}
    if not isinstance(table, dict):
        return []
    found: list[tuple[str, list[str]]] = []
    for prefix, dirs in table.items():
        listed = [dirs] if isinstance(dirs, str) else dirs if isinstance(dirs, list) else []
        paths = [os.path.join(directory, str(d)) for d in listed if isinstance(d, str)]
        found.append((str(prefix).strip("\\"), paths))
    return sorted(found, key=lambda item: len(item[0]), reverse=True)


def _use(node: Any, autoload: list[tuple[str, list[str]]], result: Imports) -> None:
    from wabaguard.webhooks.treesitter import _text

    named = [c for c in node.named_children if c.type in ("qualified_name", "name")]
    if not named:
        return
    qualified = _text(named[0]).strip("\\")
    alias = _text(named[1]) if len(named) > 1 else qualified.split("\\")[-1]
    paths = _class_files(qualified, autoload)
    if paths:
        result.names[alias] = (paths, qualified.split("\\")[-1])  # the class, by name
        result.modules.append(paths)  # its static and instance methods, by name


def _class_files(qualified: str, autoload: list[tuple[str, list[str]]]) -> list[str]:
    for prefix, directories in autoload:
        if qualified == prefix or not qualified.startswith(prefix + "\\"):
            continue
        rest = qualified[len(prefix) + 1 :].split("\\")
        return [os.path.join(d, *rest[:-1], rest[-1] + ".php") for d in directories]
    return []
