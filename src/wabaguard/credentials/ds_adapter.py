"""Every use wabaguard's scan makes of detect-secrets' internals, in one place.

detect-secrets' line pipeline (``core/scan.py``) reads its plugins and filters from one
process-global settings object. Configuring that object for our scan would reset a host
process's own detect-secrets configuration, and any later change there would leak into our
scan. So this module holds its own plugin instances and filter functions and runs the
pipeline's steps itself, exactly as detect-secrets does, without reading or writing the
global settings. Imported lazily: importing detect-secrets' plugins pulls in ``requests``.

Private names whose behaviour is mirrored here (not called: each reads the global settings).
``tests/detectors/test_ds_adapter.py`` checks that each exists with the signature in
``MIRRORED`` and that the methods below give the same answers on the same lines:

* ``detect_secrets.core.scan._is_filtered_out(required_filter_parameters, **kwargs)``:
  a line or secret is dropped when one of the filters that takes every required parameter
  returns true; a filter that needs a parameter the caller did not give raises
  ``TypeError``, which is swallowed (``DetectSecrets.is_filtered_out``);
* ``detect_secrets.core.scan.get_filters_with_parameter(*parameters)``: which filters those
  are, by their parameter names (``DetectSecrets._filters_with``);
* ``detect_secrets.core.scan._scan_line(plugin, filename, line, line_number, context,
  **kwargs)``: the plugin's ``analyze_line``, then the filters that take ``secret``
  (``DetectSecrets.scan_line``).

Internal (undocumented, not underscored) names called directly, listed in ``CALLED``:

* ``detect_secrets.util.inject.get_injectable_variables(func)``: a filter's parameter names,
  as detect-secrets computes them;
* ``detect_secrets.util.importlib.import_types_from_package(root, filter)``: the built-in
  plugin classes, as detect-secrets finds them;
* ``detect_secrets.util.code_snippet.CodeSnippet(snippet, start_line, target_index)``: the
  context handed to plugins and filters;
* ``detect_secrets.settings.Settings``: a fresh instance (never the global one) names the
  default filters; ``Settings.DEFAULT_FILTERS`` are the ones baselines do not record;
* ``detect_secrets.plugins.base.BasePlugin.analyze_line(filename, line, line_number,
  context, **kwargs)`` and ``detect_secrets.plugins.base.BasePlugin.json()``: a plugin's
  findings on a line, and its options as baselines record them;
* ``detect_secrets.filters.allowlist.is_line_allowlisted(filename, line, context)``: the
  ``# pragma: allowlist secret`` check.

Behaviour relied on: ``BasePlugin.analyze_line`` calls the plugin's ``verify()`` whenever the
*global* settings hold the verification filter, and some plugins' ``verify()`` sends the
secret to its issuer. Each of our plugin instances gets a ``verify`` that answers
``UNVERIFIED`` without any I/O. The default filters read no settings (the ones that do, such
as ``should_exclude_line`` or ``is_baseline_file``, are never among ours).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Iterator, Sequence
from importlib import import_module
from typing import Any

import detect_secrets.plugins as _ds_plugins
from detect_secrets.constants import VerifiedResult
from detect_secrets.filters.allowlist import is_line_allowlisted
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.settings import Settings
from detect_secrets.util.code_snippet import CodeSnippet
from detect_secrets.util.importlib import import_types_from_package
from detect_secrets.util.inject import get_injectable_variables

# The detect-secrets releases this module is written against (pyproject.toml: >=1.5,<1.6).
SUPPORTED_VERSIONS = ((1, 5), (1, 6))  # lowest supported, first unsupported

# Names and parameters (``*``/``**`` mark variadic ones) this module depends on; a test
# checks each against the installed detect-secrets.
MIRRORED: dict[str, tuple[str, ...]] = {
    "detect_secrets.core.scan._is_filtered_out": ("required_filter_parameters", "**kwargs"),
    "detect_secrets.core.scan.get_filters_with_parameter": ("*parameters",),
    "detect_secrets.core.scan._scan_line": (
        "plugin", "filename", "line", "line_number", "context", "**kwargs",
    ),
}  # fmt: skip
CALLED: dict[str, tuple[str, ...]] = {
    "detect_secrets.util.inject.get_injectable_variables": ("func",),
    "detect_secrets.util.importlib.import_types_from_package": ("root", "filter"),
    "detect_secrets.util.code_snippet.CodeSnippet": ("snippet", "start_line", "target_index"),
    "detect_secrets.settings.Settings": (),
    "detect_secrets.plugins.base.BasePlugin.analyze_line": (
        "self", "filename", "line", "line_number", "context", "**kwargs",
    ),
    "detect_secrets.plugins.base.BasePlugin.json": ("self",),
    "detect_secrets.filters.allowlist.is_line_allowlisted": ("filename", "line", "context"),
}  # fmt: skip

# The scanner has already opened the file; this default filter re-checks the path against
# the working directory and would drop every finding of a scan run from elsewhere.
_LEFT_OUT = frozenset({"detect_secrets.filters.common.is_invalid_file"})
_ALLOWLIST_FILTER = "detect_secrets.filters.allowlist.is_line_allowlisted"


class _NoVerification:
    """Stands in for every plugin's ``verify()``: never any I/O, never a verdict."""

    def verify(self, secret: str) -> VerifiedResult:
        return VerifiedResult.UNVERIFIED


_NO_VERIFICATION = _NoVerification()


# detect-secrets' indirect-reference heuristic searches
# ``([^\v=!:]*)\s*(:=?|[!=]{1,3})\s*([\w.-]+[\[\(][^\v]*[\]\)])``. Its first group and blanks
# may match nothing, so it matches a line exactly when the part from the operator on does;
# that part is searched here, from each operator instead of from every position with a
# variable-name prefix to backtrack over (a tenth of a second on Yelp/detect-secrets'
# history). tests/detectors/test_ds_adapter.py checks the two agree.
INDIRECT_REFERENCE = re.compile(r"(?::=?|[!=]{1,3})\s*[\w.-]+[\[\(][^\v]*[\]\)]")


def is_indirect_reference(line: str) -> bool:
    if len(line) > 1000:  # upstream's own bound
        return False
    return INDIRECT_REFERENCE.search(line) is not None


_EQUIVALENT = {"detect_secrets.filters.heuristic.is_indirect_reference": is_indirect_reference}


class _Filter:
    __slots__ = ("function", "parameters", "path")

    def __init__(self, path: str) -> None:
        module_path, name = path.rsplit(".", 1)
        self.path = path
        upstream = getattr(import_module(module_path), name)
        self.function: Any = _EQUIVALENT.get(path, upstream)
        self.parameters = frozenset(get_injectable_variables(upstream))


def plugin_classes() -> dict[str, type[Any]]:
    """detect-secrets' built-in plugin classes by class name (never its custom ones)."""

    def skip(attribute: Any) -> bool:
        return not (
            inspect.isclass(attribute)
            and issubclass(attribute, BasePlugin)
            and not inspect.isabstract(attribute)
        )

    return {cls.__name__: cls for cls in import_types_from_package(_ds_plugins, filter=skip)}


def code_snippet(window: Sequence[str], index: int, radius: int) -> Any:
    """The context detect-secrets builds for line ``index``: ``radius`` lines either side."""
    lo = max(0, index - radius)
    return CodeSnippet(list(window[lo : index + radius + 1]), lo, index - lo)


def is_allowlisted(path: str, line: str, context: Any) -> bool:
    """``# pragma: allowlist secret`` on the line, or the ``nextline`` form before it."""
    return bool(is_line_allowlisted(filename=path, line=line, context=context))


class DetectSecrets:
    """detect-secrets' own plugins (``class_names``, default options, no verification) and
    default filters (minus ``is_invalid_file``), held here instead of in its global settings.
    """

    def __init__(self, class_names: Sequence[str], *, allowlist: bool = True) -> None:
        """``allowlist=False`` leaves detect-secrets' allowlist pragma filter out of the
        filtering (it stays listed in ``settings_json``): the engine applies the pragma
        itself, to count what it suppresses."""
        classes = plugin_classes()
        self.plugins: dict[str, Any] = {}
        for name in class_names:
            plugin = classes[name]()  # the options `configure_plugins([{"name": …}])` gives
            plugin.verify = _NO_VERIFICATION.verify
            self.plugins[name] = plugin
        paths = sorted(set(Settings().filters) - _LEFT_OUT)
        self._listed = tuple(paths)
        applied = paths if allowlist else [p for p in paths if p != _ALLOWLIST_FILTER]
        self._filters = tuple(_Filter(path) for path in applied)
        self._with: dict[frozenset[str], tuple[_Filter, ...]] = {}

    def _filters_with(self, required: Iterable[str]) -> tuple[_Filter, ...]:
        key = frozenset(required)
        found = self._with.get(key)
        if found is None:
            found = self._with[key] = tuple(f for f in self._filters if key <= f.parameters)
        return found

    def is_filtered_out(self, required: Iterable[str], **kwargs: Any) -> bool:
        for candidate in self._filters_with(required):
            arguments = {k: v for k, v in kwargs.items() if k in candidate.parameters}
            try:
                if candidate.function(**arguments):
                    return True
            except TypeError:
                pass  # a filter that needs a value this stage does not have, as upstream
        return False

    def scan_line(self, plugin: Any, path: str, line: str, context: Any) -> Iterator[Any]:
        """The plugin's findings on ``line`` that the per-secret filters keep."""
        secrets = plugin.analyze_line(filename=path, line=line, line_number=0, context=context)
        for secret in secrets or ():
            if not self.is_filtered_out(
                ("secret",),
                filename=secret.filename,
                secret=secret.secret_value,
                plugin=plugin,
                line=line,
            ):
                yield secret

    def settings_json(self) -> dict[str, list[dict[str, Any]]]:
        """``plugins_used`` and ``filters_used`` as detect-secrets' ``Settings.json()`` writes
        them for this configuration (baselines record them)."""
        plugins = []
        for plugin in self.plugins.values():
            serialized = plugin.json()
            plugins.append({"name": serialized["name"], **serialized})
        filters = [{"path": path} for path in self._listed if path not in Settings.DEFAULT_FILTERS]
        return {
            "plugins_used": sorted(plugins, key=lambda p: str(p["name"]).lower()),
            "filters_used": sorted(filters, key=lambda f: f["path"].lower()),
        }
