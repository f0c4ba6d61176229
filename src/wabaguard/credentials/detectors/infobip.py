"""Infobip API keys: 32 lowercase hex, a dash and a UUIDv4 (credentials.md §2.5).

Distinctive enough to need no context. Unclaimed by gitleaks, TruffleHog, GitHub and
detect-secrets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wabaguard.core.findings import Confidence, Kind, Rule, Severity
from wabaguard.credentials.detectors._formats import INFOBIP_KEY
from wabaguard.credentials.detectors.base import LineContext, Match

INFOBIP_API_KEY = Rule(
    "infobip-api-key",
    "Infobip API key in source",
    Severity.HIGH,
    Confidence.HIGH,
    "Revoke the key in the Infobip portal (Developer Tools > API keys) and load it from a "
    "secret manager",
    Kind.CREDENTIAL,
    "Infobip API Key",  # the detect-secrets type: permanent, baselines key on it
)


class InfobipApiKeyDetector:
    rules: tuple[Rule, ...] = (INFOBIP_API_KEY,)
    # Every key contains the UUIDv4 version/variant block "-4xxx-[89ab]".
    prefilter: re.Pattern[str] = re.compile(r"-4[a-f0-9]{3}-[89ab]")

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        for match in INFOBIP_KEY.finditer(line):
            # Docs fillers such as "deadbeef" repeated have a handful of distinct digits.
            if len(set(match.group(1))) < 8:
                continue
            yield Match(
                INFOBIP_API_KEY,
                match.group(),
                match.start(),
                match.end(),
                baseline_secret=match.group(1),  # the 32-hex head: no UUID in it
            )
