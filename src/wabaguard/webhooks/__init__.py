"""WhatsApp webhook handlers: is X-Hub-Signature-256 verified, correctly, before acting?

This module is imported by every scan, so it holds only the cheap part: which files can
hold a handler (by suffix, then a byte prefilter). Parsers and grammars load only for files
that pass both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from wabaguard.core.findings import Rule

if TYPE_CHECKING:
    from wabaguard.core.config import Config
    from wabaguard.webhooks.imports import Tree
    from wabaguard.webhooks.report import WebhookFinding

LANGUAGES = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".php": "php",
    ".go": "go",
}

# A file without one of these never loads a parser: the subscription handshake's query
# parameters (PHP turns `hub.mode` into `hub_mode`) or the signature header's name; the
# signature's `sha256=` format next to an HMAC (a stand-alone verifier); or the words of a
# payload walk (`entry[].changes[].value.messages`) in a file that says webhook or WhatsApp.
# Plain `in` tests on bytes: the hook's speed on ordinary repositories must not change.
_STRONG_MARKERS = (
    b"hub.mode",
    b"hub.challenge",
    b"hub.verify_token",
    b"hub_mode",
    b"hub_challenge",
    b"hub_verify_token",
    b"Hub-Signature",
    b"hub-signature",
    b"HUB-SIGNATURE",
    b"HUB_SIGNATURE",
    b"hub_signature",
)
_FORMAT_MARKERS = (b"sha256=", b"sha1=")
_HMAC_MARKERS = (b"hmac", b"Hmac", b"HMAC")
_PAYLOAD_VALUES = (b"messages", b"statuses")
_WEBHOOK_WORDS = (b"webhook", b"Webhook", b"WEBHOOK", b"whatsapp", b"WhatsApp", b"WHATSAPP")


# Test code is not deployed: its handlers are fakes, its compares fixtures.
_TEST_PATH = re.compile(
    r"(?:^|/)(?:tests?|__tests__|spec|testdata)/|(?:^|/)test_[^/]*\.py$|_test\.(?:py|go)$"
    r"|\.(?:test|spec)\.[jt]sx?$|Test\.php$"
)


def is_test_path(path: str) -> bool:
    return _TEST_PATH.search(path) is not None


def language_of(path: str) -> str:
    dot = path.rfind(".")
    if dot < 0 or "/" in path[dot:]:
        return ""
    return LANGUAGES.get(path[dot:].lower(), "")


def might_hold_handler(path: str, data: bytes) -> bool:
    """Cheap: a source file in a covered language that mentions a webhook marker."""
    if not language_of(path):
        return False
    if is_test_path(path):
        return False
    if any(marker in data for marker in _STRONG_MARKERS):
        return True
    if any(m in data for m in _FORMAT_MARKERS) and any(m in data for m in _HMAC_MARKERS):
        return True
    return (
        b"entry" in data
        and b"changes" in data
        and any(m in data for m in _PAYLOAD_VALUES)
        and any(m in data for m in _WEBHOOK_WORDS)
    )


class WebhookError(Exception):
    """The file could not be analysed (a syntax error, a missing grammar)."""

    def __init__(self, message: str, *, level: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.level = level


def all_rules() -> tuple[Rule, ...]:
    from wabaguard.webhooks.rules import MODULES

    return tuple(module.RULE for module in MODULES)


def analyze(
    path: str, text: str, config: Config, tree: Tree | None = None
) -> Iterator[WebhookFinding]:
    """Analyse one source file. Raises ``WebhookError`` when it cannot be analysed.

    With ``tree`` (the file's absolute path and the tree root), verifiers imported from the
    tree's other Python modules are read rather than trusted by name."""
    from wabaguard.webhooks.report import findings_of

    return iter(findings_of(path, text, language_of(path), config, tree))
