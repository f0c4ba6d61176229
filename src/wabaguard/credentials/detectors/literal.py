"""A literal assigned to a WhatsApp-credential-looking name (``WHATSAPP_TOKEN = "…"``).

The catch-all for credentials without a known format: the name says what it is. Values
that a format-based rule owns (Meta tokens, Infobip keys…) and names another rule owns
(verify tokens, app secrets, provider-specific names) are left to those rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wabaguard.core.findings import Confidence, Kind, Rule, Severity
from wabaguard.credentials.detectors._formats import HEX32, is_formatted_credential
from wabaguard.credentials.detectors._text import assignments, looks_secret
from wabaguard.credentials.detectors.base import LineContext, Match

WHATSAPP_CREDENTIAL_LITERAL = Rule(
    "whatsapp-credential-literal",
    "Hard-coded WhatsApp credential",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Move it to an environment variable or secret manager and rotate it",
    Kind.CREDENTIAL,
    "WhatsApp Credential Literal",  # the detect-secrets type: permanent, baselines key on it
)

# ``waToken`` is camelCase, so that alternative is case-sensitive on the next letter.
# Factored on the leading "w" (same language as the flat alternation, half the cost).
_KEYWORD = re.compile(r"[Ww](?:(?i:hatsapp|aba|a[_\-.]|pp)|a(?=[A-Z]))|(?i:chat[_\-]?api)")
# First words that make a name WhatsApp-specific.
_PROVIDER_WORDS = frozenset({"whatsapp", "wa", "waba", "wpp", "chatapi"})
# Last words that make it a credential.
_CREDENTIAL_WORDS = frozenset(
    {"token", "key", "apikey", "secret", "password", "passwd", "pwd", "accesstoken"}
)
# Names owned by more specific rules.
_OTHER_RULE_WORDS = frozenset({"verify", "d360", "dialog", "360dialog"})
# "…_KEY" names that are lookup keys, not credentials (``WHATSAPP_CACHE_KEY``,
# ``WA_TEMPLATE_KEY``): the word before the last one says so.
_NOT_SECRET_QUALIFIERS = frozenset(
    {
        "cache", "template", "redis", "idempotency", "partition", "sort", "lookup", "route",
        "storage", "session", "prefix", "object", "i18n", "translation", "message", "queue",
        "lock", "config", "setting", "settings", "header", "param", "field", "name",
    }
)  # fmt: skip


def _is_whatsapp_credential_name(words: tuple[str, ...]) -> bool:
    if not words or words[-1] not in _CREDENTIAL_WORDS:
        return False
    if not _OTHER_RULE_WORDS.isdisjoint(words):
        return False
    if len(words) >= 2 and words[-2] in _NOT_SECRET_QUALIFIERS:
        return False
    joined = "".join(words)
    return not _PROVIDER_WORDS.isdisjoint(words) or "chatapi" in joined or "whatsapp" in joined


class WhatsAppCredentialLiteralDetector:
    rules: tuple[Rule, ...] = (WHATSAPP_CREDENTIAL_LITERAL,)
    prefilter: re.Pattern[str] = _KEYWORD

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        for name, literal in assignments(line, _KEYWORD, context.path):
            words = name.words
            if not _is_whatsapp_credential_name(words):
                continue
            value = literal.value
            if not looks_secret(value, min_len=12) or is_formatted_credential(value):
                continue
            if words[-1] == "secret" and HEX32.fullmatch(value):
                continue  # meta-app-secret reports 32-hex app secrets
            yield Match(
                WHATSAPP_CREDENTIAL_LITERAL,
                value,
                literal.start,
                literal.end,
                f"assigned to {name.text}",
            )
