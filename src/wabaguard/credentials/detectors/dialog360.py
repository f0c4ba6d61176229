"""360dialog API keys: no documented format, so header/name-anchored (§2.1).

The ``D360-API-KEY`` header (any case) and ``D360_API_KEY``-style names. Sandbox keys
(``…_sandbox``) are shared test keys and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wabaguard.core.findings import Confidence, Kind, Rule, Severity
from wabaguard.credentials.detectors._formats import is_formatted_credential
from wabaguard.credentials.detectors._text import assignments, looks_secret
from wabaguard.credentials.detectors.base import LineContext, Match

DIALOG360_API_KEY = Rule(
    "dialog360-api-key",
    "360dialog API key in source",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Generate a new API key in the 360dialog Hub (this revokes the old one) and load it "
    "from a secret manager",
    Kind.CREDENTIAL,
    "360dialog API Key",  # the detect-secrets type: permanent, baselines key on it
)

# d360 / dialog360 / 360dialog in any case, spelled out (cheaper than (?i) in the union).
_KEYWORD = re.compile(
    r"[Dd](?:360|[Ii][Aa][Ll][Oo][Gg][_\-]?360)|360[_\-]?[Dd][Ii][Aa][Ll][Oo][Gg]"
)
_CREDENTIAL_WORDS = frozenset({"key", "apikey", "token", "secret"})


class Dialog360ApiKeyDetector:
    rules: tuple[Rule, ...] = (DIALOG360_API_KEY,)
    prefilter: re.Pattern[str] = _KEYWORD

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        for name, literal in assignments(line, _KEYWORD, context.path):
            if name.words[-1:] == () or name.words[-1] not in _CREDENTIAL_WORDS:
                continue
            value = literal.value
            if value.lower().endswith("_sandbox") or not looks_secret(value, min_len=12):
                continue
            if is_formatted_credential(value) or _KEYWORD.search(value):
                continue  # ...or the header's own name repeated (``D360-API-KEY: D360-API-KEY:``)
            yield Match(
                DIALOG360_API_KEY,
                value,
                literal.start,
                literal.end,
                f"assigned to {name.text}",
            )
