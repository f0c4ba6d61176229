"""detect-secrets' per-line pipeline (filters, allowlist, plugins), run on candidate lines.

Imported lazily: importing detect-secrets' plugins pulls in ``requests``. Every pipeline holds
its own plugins and filters (``ds_adapter``), with verification off: detect-secrets'
process-global settings are neither read nor changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wabaguard import ds_adapter
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


class DetectSecretsPipeline:
    def __init__(self, builtins: Sequence[BuiltinPlugin]) -> None:
        # The allowlist pragma is applied by the engine (``is_allowlisted``), which counts
        # what it suppresses: the plugins must not drop those lines unseen.
        self.detect_secrets = ds_adapter.DetectSecrets(
            [b.class_name for b in builtins], allowlist=False
        )

    def scan(
        self, path: str, window: list[str], index: int, line: str, wanted: Sequence[BuiltinPlugin]
    ) -> list[Match]:
        # Our own suppression comment must not look like code to detect-secrets' heuristics
        # (``wabaguard: ignore[x]`` reads as an indirect reference and drops the line); blank
        # it out, keeping every column where it was.
        line = blank_pragma(line)
        # detect-secrets scans ``line.rstrip()``; the columns before the cut are unchanged.
        line = line.rstrip()
        ds = self.detect_secrets
        context = ds_adapter.code_snippet(window, index, _RADIUS)
        if ds.is_filtered_out(("line",), filename=path, line=line, context=context):
            return []
        found: list[Match] = []
        for builtin in wanted:
            plugin = ds.plugins[builtin.class_name]
            for secret in ds.scan_line(plugin, path, line, context):
                value = secret.secret_value
                if value is None or ds.is_filtered_out(
                    ("context",),
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
        context = ds_adapter.code_snippet(window, index, _RADIUS)
        return ds_adapter.is_allowlisted(path, window[index], context)
