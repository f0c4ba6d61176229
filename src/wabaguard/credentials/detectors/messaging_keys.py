"""Keys with a recognisable shape that still need a context word (credentials.md §2.3-2.8).

* MessageBird / Bird: 25 alphanumerics, often ``live_``/``test_``-prefixed, on a line that
  says ``AccessKey`` or ``messagebird``.
* Gupshup: ``sk_`` + 32 hex (collides with nothing Stripe issues, but ``sk_`` is generic),
  with ``gupshup`` / ``apikey`` / ``src.name`` on the line, nearby or in the path.
* Kaleyra: ``A`` + 32 hex, with ``kaleyra`` nearby or an ``api-key`` header on the line.
* Chat API: the token in an ``…chat-api.com/instance<id>/<method>?token=…`` URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wabaguard.core.findings import Confidence, Kind, Rule, Severity
from wabaguard.credentials.detectors._text import assignments, is_placeholder, looks_secret
from wabaguard.credentials.detectors.base import LineContext, Match

MESSAGEBIRD_ACCESS_KEY = Rule(
    "messagebird-access-key",
    "MessageBird (Bird) access key in source",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Delete the key in the Bird dashboard (Developers > API access) and load a new one "
    "from a secret manager",
    Kind.CREDENTIAL,
    "MessageBird Access Key",  # the detect-secrets type: permanent, baselines key on it
)
GUPSHUP_API_KEY = Rule(
    "gupshup-api-key",
    "Gupshup API key in source",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Regenerate the API key in the Gupshup dashboard and load it from a secret manager",
    Kind.CREDENTIAL,
    "Gupshup API Key",  # the detect-secrets type: permanent, baselines key on it
)
KALEYRA_API_KEY = Rule(
    "kaleyra-api-key",
    "Kaleyra API key in source",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Delete the key in the Kaleyra console (Developers > API keys) and load a new one "
    "from a secret manager",
    Kind.CREDENTIAL,
    "Kaleyra API Key",  # the detect-secrets type: permanent, baselines key on it
)
CHAT_API_TOKEN = Rule(
    "chat-api-token",
    "Chat API instance token in a URL",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Regenerate the instance token in the Chat API dashboard and build the URL from a "
    "secret at run time",
    Kind.CREDENTIAL,
    "Chat API Token",  # the detect-secrets type: permanent, baselines key on it
)

_MESSAGEBIRD_CONTEXT = re.compile(r"(?i)access_?key|message[_\-. ]?bird")
# Delimited like a value (quotes, whitespace, "=", ":"), so a 25-character stretch inside a
# longer base64 secret (AWS_SECRET_ACCESS_KEY) is not taken for a key.
_MESSAGEBIRD_KEY = re.compile(
    r"(?:(?<=[\s\"'`=:(,])|^)(?:live_|test_)?[A-Za-z0-9]{25}(?=$|[\s\"'`,;)&\\])"
)


class MessageBirdAccessKeyDetector:
    rules: tuple[Rule, ...] = (MESSAGEBIRD_ACCESS_KEY,)
    # The context word must be on the reported line, so it is the prefilter.
    prefilter: re.Pattern[str] = _MESSAGEBIRD_CONTEXT

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        # Checked here too: the prefilter is an optimisation, never the rule itself.
        if not _MESSAGEBIRD_CONTEXT.search(line):
            return
        for match in _MESSAGEBIRD_KEY.finditer(line):
            key = match.group()
            body = key[5:] if key[4:5] == "_" else key
            # Real keys are random: mixed case and digits; identifiers and words are not.
            if len(set(body)) < 12 or not looks_secret(body, min_len=25, need_digit=False):
                continue
            mixed_case = not (body.isupper() or body.islower())
            if not (mixed_case or any(c.isdigit() for c in body)):
                continue
            mode = "live" if key.startswith("live_") else "test" if key.startswith("test_") else ""
            yield Match(
                MESSAGEBIRD_ACCESS_KEY,
                key,
                match.start(),
                match.end(),
                f"({mode} key)" if mode else "",
            )


_GUPSHUP_KEY = re.compile(r"(?<![A-Za-z0-9_])sk_[a-f0-9]{32}(?![A-Za-z0-9_])")
_GUPSHUP_CONTEXT = re.compile(r"(?i)gupshup|src\.name|api_?key|api-key")
# The shape public code shows (two of two samples in ``apikey`` headers next to
# api.gupshup.io): 32 lower-case letters and digits, no prefix. Reported as the value of an
# api-key name (``apikey``, ``GUPSHUP_API_KEY``, ``apiKey``) with Gupshup itself on the line,
# in the path or within five lines (``src.name`` or ``api_key`` alone do not say Gupshup).
_API_KEY_NAME = re.compile(r"(?i)api[_\-]?key")
_GUPSHUP_PLAIN = re.compile(r"[a-z0-9]{32}")
_GUPSHUP_NAMED = re.compile(r"(?i)gupshup")


class GupshupApiKeyDetector:
    rules: tuple[Rule, ...] = (GUPSHUP_API_KEY,)
    prefilter: re.Pattern[str] = re.compile(r"sk_[a-f0-9]{32}|(?i:api[_\-]?key)")

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        found = [m for m in _GUPSHUP_KEY.finditer(line) if not is_placeholder(m.group()[3:])]
        if found and _has_context(_GUPSHUP_CONTEXT, line, context):
            for match in found:
                yield Match(GUPSHUP_API_KEY, match.group(), match.start(), match.end())
        if not _API_KEY_NAME.search(line) or not _has_context(_GUPSHUP_NAMED, line, context):
            return
        for _name, literal in assignments(line, _API_KEY_NAME, context.path):
            value = literal.value
            if not _GUPSHUP_PLAIN.fullmatch(value) or len(set(value)) < 12:
                continue
            if not looks_secret(value, min_len=32) or value.isdigit():
                continue
            yield Match(GUPSHUP_API_KEY, value, literal.start, literal.end, "(no prefix)")


_KALEYRA_KEY = re.compile(r"(?<![A-Za-z0-9_])A[a-f0-9]{32}(?![A-Za-z0-9_])")
_KALEYRA_CONTEXT = re.compile(r"(?i)kaleyra")
_API_KEY_HEADER = re.compile(r"(?i)api-key")


class KaleyraApiKeyDetector:
    rules: tuple[Rule, ...] = (KALEYRA_API_KEY,)
    prefilter: re.Pattern[str] = re.compile(r"A[a-f0-9]{32}")

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        found = [m for m in _KALEYRA_KEY.finditer(line) if not is_placeholder(m.group()[1:])]
        if not found:
            return
        if not (_API_KEY_HEADER.search(line) or _has_context(_KALEYRA_CONTEXT, line, context)):
            return
        for match in found:
            yield Match(KALEYRA_API_KEY, match.group(), match.start(), match.end())


# The method path and the other query parameters are bounded and cannot contain the next
# delimiter, so the pattern cannot backtrack more than a constant amount.
_CHAT_API_URL = re.compile(
    r"(?i:chat-api\.com)/instance(?P<instance>[0-9]{1,12})/[A-Za-z0-9_/]{0,60}"
    r"\?(?:[A-Za-z0-9_.%=\-]{0,200}&)?token=(?P<token>[A-Za-z0-9]{12,64})(?![A-Za-z0-9])"
)


class ChatApiTokenDetector:
    rules: tuple[Rule, ...] = (CHAT_API_TOKEN,)
    prefilter: re.Pattern[str] = re.compile(r"(?i)chat-api\.com")

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        for match in _CHAT_API_URL.finditer(line):
            token = match.group("token")
            if is_placeholder(token) or not looks_secret(token, min_len=12):
                continue
            yield Match(
                CHAT_API_TOKEN,
                token,
                match.start("token"),
                match.end("token"),
                f"for instance {match.group('instance')}",
            )


def _has_context(pattern: re.Pattern[str], line: str, context: LineContext) -> bool:
    """``pattern`` on the line, in the file's path, or within five lines."""
    return any(pattern.search(text) for text in (line, context.path, context.nearby()))
