"""detect-secrets' per-line pipeline (filters, allowlist, plugins), run on candidate lines.

Imported lazily: importing detect-secrets' plugins pulls in ``requests``. The plugins are
configured once per process through detect-secrets' settings object, with verification off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from detect_secrets.core import scan as ds_scan
from detect_secrets.filters.allowlist import is_line_allowlisted
from detect_secrets.settings import get_plugins, get_settings
from detect_secrets.util.code_snippet import CodeSnippet

from wabaguard.builtin import BuiltinPlugin
from wabaguard.detectors.base import Match
from wabaguard.suppressions import blank_pragma

_RADIUS = 5
# Characters that continue a token: a plugin that captures part of one (GitHub's captures just
# ``ghp``) still gets the whole token redacted and pointed at.
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_TOKEN_CHARS = _WORD_CHARS | frozenset("+/=.")  # base64 body and padding only continue rightward


def _locate(plugin: Any, line: str, value: str) -> tuple[int, int] | None:
    """Where the plugin found ``value``: inside one of its own regex matches when it has
    regexes (the password in a URL's userinfo, not the same word said earlier on
    the line), else the first occurrence."""
    for regex in getattr(plugin, "denylist", ()):
        for match in regex.finditer(line):
            for group in range(regex.groups, -1, -1):
                if match.group(group) == value:
                    span: tuple[int, int] = match.span(group)
                    return span
    start = line.find(value)
    return None if start < 0 else (start, start + len(value))


_DELIMITERS = frozenset(" \t\"'")
_LEADING_DELIMITERS = _DELIMITERS | frozenset("=:")  # "=" only ever ends a token (padding)


def _token_span(line: str, start: int, end: int) -> tuple[int, int]:
    # Some plugins capture the white space or quote around a key (Artifactory's
    # ``(?:\s|=|:|"|^)AP…(?:\s|"|$)``): those are not the secret, and continuing the token
    # from a trailing space would swallow the code after it.
    while end - start > 1 and line[start] in _LEADING_DELIMITERS:
        start += 1
    while end - start > 1 and line[end - 1] in _DELIMITERS:
        end -= 1
    while start > 0 and line[start - 1] in _WORD_CHARS:
        start -= 1
    while end < len(line) and line[end] in _TOKEN_CHARS:
        end += 1
    return start, end


def _snippet(window: list[str], index: int) -> CodeSnippet:
    lo = max(0, index - _RADIUS)
    return CodeSnippet(window[lo : index + _RADIUS + 1], lo, index - lo)


class DetectSecretsPipeline:
    def __init__(self, builtins: Sequence[BuiltinPlugin]) -> None:
        settings = get_settings()
        settings.clear()  # default filters; no verification filter, so verify() never runs
        settings.configure_plugins([{"name": b.class_name} for b in builtins])
        # The scanner has already opened the file; this filter re-checks the path against the
        # working directory and would drop every finding of a scan run from elsewhere.
        settings.disable_filters("detect_secrets.filters.common.is_invalid_file")
        # The allowlist pragma is applied by the engine (``is_allowlisted``), which counts
        # what it suppresses; the plugins must not drop those lines unseen.
        settings.disable_filters("detect_secrets.filters.allowlist.is_line_allowlisted")
        by_class = {b.class_name: b for b in builtins}
        self._plugins: dict[str, tuple[Any, BuiltinPlugin]] = {}
        for plugin in get_plugins():
            name = type(plugin).__name__
            if name in by_class:
                self._plugins[name] = (plugin, by_class[name])

    def scan(
        self, path: str, window: list[str], index: int, line: str, wanted: Sequence[BuiltinPlugin]
    ) -> list[Match]:
        # Our own suppression comment must not look like code to detect-secrets' heuristics
        # (``wabaguard: ignore[x]`` reads as an indirect reference and drops the line); blank
        # it out, keeping every column where it was.
        line = blank_pragma(line)
        # detect-secrets scans ``line.rstrip()``; the columns before the cut are unchanged.
        line = line.rstrip()
        context = _snippet(window, index)
        if ds_scan._is_filtered_out(
            required_filter_parameters=["line"],
            filename=path,
            line=line,
            context=context,
        ):
            return []
        found: list[Match] = []
        for builtin in wanted:
            plugin, _ = self._plugins[builtin.class_name]
            for secret in ds_scan._scan_line(
                plugin=plugin,
                filename=path,
                line=line,
                line_number=0,
                context=context,
            ):
                value = secret.secret_value
                if value is None or ds_scan._is_filtered_out(
                    required_filter_parameters=["context"],
                    filename=path,
                    secret=value,
                    plugin=plugin,
                    line=line,
                    context=context,
                ):
                    continue
                located = _locate(plugin, line, value)
                if located is None:  # a plugin that normalised the value; point at the line
                    start, end = 0, len(line)
                else:
                    start, end = _token_span(line, *located)
                found.append(
                    Match(builtin.rule, line[start:end], start, end, baseline_secret=value)
                )
        return found

    def is_allowlisted(self, path: str, window: list[str], index: int) -> bool:
        return bool(
            is_line_allowlisted(
                filename=path,
                line=window[index],
                context=_snippet(window, index),
            )
        )
