"""The engine's bridge to detect-secrets: its plugins' exact prefilters, and its pipeline (file
and line filters, plugins, the allowlist pragma) imported on the first line that needs it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from wabaguard.credentials.builtin import BuiltinPlugin
from wabaguard.credentials.detectors.base import Match


class DetectSecretsBridge:
    def __init__(self, builtins: Sequence[BuiltinPlugin]) -> None:
        self.builtins = tuple(builtins)
        # Each plugin's exact prefilter: a line it cannot match never reaches detect-secrets.
        self.prefilters: dict[str, re.Pattern[str]] = {
            b.class_name: re.compile(b.prefilter) for b in self.builtins if b.prefilter is not None
        }
        self._pipeline: Any = None

    def pipeline(self) -> Any:
        if self._pipeline is None:
            from wabaguard.credentials.ds_pipeline import DetectSecretsPipeline

            self._pipeline = DetectSecretsPipeline(self.builtins)
        return self._pipeline

    def matches(
        self,
        path: str,
        window: list[str],
        index: int,
        line: str,
        candidates: Sequence[BuiltinPlugin],
    ) -> list[Match]:
        """The candidates' findings on ``window[index]`` (``line``), after detect-secrets'
        filters; only plugins whose prefilter matches the line run."""
        wanted = [
            b
            for b in candidates
            if (rx := self.prefilters.get(b.class_name)) is None or rx.search(line)
        ]
        if not wanted:
            return []
        found: list[Match] = self.pipeline().scan(path, window, index, line, wanted)
        return found

    def scan_window(self, path: str, text: str, plugin: BuiltinPlugin) -> list[Match]:
        """One plugin on a window of a long line, seen as a one-line file."""
        found: list[Match] = self.pipeline().scan(path, [text], 0, text, [plugin])
        return found

    def is_allowlisted(self, path: str, window: list[str], index: int) -> bool:
        line = window[index]
        previous = window[index - 1] if index > 0 else ""
        if "allowlist" not in line and "allowlist" not in previous:
            return False  # the cheap check first: no pragma anywhere near
        return bool(self.pipeline().is_allowlisted(path, window, index))
