"""GREEN-API ``apiTokenInstance``: 50 lowercase hex tied to Green-API context (§2.9).

50 hex is not a common digest length (MD5 32, SHA-1 40, SHA-256 64), but it still needs
``waInstance`` / ``apiTokenInstance`` / green-api on the line or within five lines.

The instance id beside the token (``waInstance1101…`` in its URL, or the one ``idInstance``
/ ``ID_INSTANCE`` number on its line or within five lines) is kept as the finding's
``id_instance`` property: an identifier, not a secret, which the live check
(``scan --verify --verify-url-tokens``) needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wabaguard.core.findings import Confidence, Kind, Rule, Severity
from wabaguard.credentials.detectors._text import is_placeholder
from wabaguard.credentials.detectors.base import LineContext, Match

GREEN_API_TOKEN = Rule(
    "green-api-token",
    "GREEN-API instance token in source",
    Severity.HIGH,
    Confidence.HIGH,
    "Regenerate the apiTokenInstance in the GREEN-API console and load it from a secret manager",
    Kind.CREDENTIAL,
    "GREEN-API Instance Token",  # the detect-secrets type: permanent, baselines key on it
)

_TOKEN = re.compile(r"(?<![A-Za-z0-9])[a-f0-9]{50}(?![A-Za-z0-9])")
_CONTEXT = re.compile(
    r"(?i)wainstance|api_?token_?instance|green[ _.\-]?api|idinstance|id_instance"
)
_URL_INSTANCE = re.compile(r"waInstance([0-9]{6,14})")
# The id in a URL, or assigned to an instance-id name (idInstance, ID_INSTANCE, instance_id).
_INSTANCE_ID = re.compile(
    r"""waInstance([0-9]{6,14})(?![0-9])"""
    r"""|(?i:id[_\-]?instance|instance[_\-]?id)\w{0,20}["'`]?[ \t]{0,4}(?:=>|:=|[:=])[ \t]{0,4}"""
    r"""["'`]?([0-9]{6,14})(?![0-9A-Za-z])"""
)


class GreenApiTokenDetector:
    rules: tuple[Rule, ...] = (GREEN_API_TOKEN,)
    prefilter: re.Pattern[str] = re.compile(r"[a-f0-9]{50}")

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        found = list(_TOKEN.finditer(line))
        if not found:
            return
        if not (_CONTEXT.search(line) or _CONTEXT.search(context.nearby())):
            return
        instance = _URL_INSTANCE.search(line)
        detail = f"for instance {instance.group(1)}" if instance else ""
        id_instance = _one_instance(line, context)
        for match in found:
            if is_placeholder(match.group()):
                continue
            yield Match(
                GREEN_API_TOKEN,
                match.group(),
                match.start(),
                match.end(),
                detail,
                properties={"id_instance": id_instance} if id_instance else {},
            )


def _one_instance(line: str, context: LineContext) -> str:
    """The instance id on the line, else the only one within five lines ("" if none or
    several: a wrong pairing would make a live token look invalid)."""
    for text in (line, context.nearby()):
        ids: set[str] = {a or b for a, b in _INSTANCE_ID.findall(text)}
        if len(ids) == 1:
            return ids.pop()
        if ids:
            return ""
    return ""
