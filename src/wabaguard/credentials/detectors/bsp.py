"""API keys of WhatsApp Business Solution Providers without a documented format (§2.7-2.19).

One rule, ``bsp-api-key``, with the provider named in the message. A value is reported
when it is a literal assigned to

* a provider-named credential (``WATI_API_TOKEN``, ``x-maytapi-key``, ``VONAGE_API_SECRET``),
* or a generic credential name (``token``, ``apiKey``, ``X-API-Key``, ``Authorization``)
  with the provider's host or name on the line, in the file's path or within five lines
  (``api.ultramsg.com/instance1/messages/chat?token=…``, a Gallabox ``apiKey`` header).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from wabaguard.core.findings import Confidence, Kind, Rule, Severity
from wabaguard.credentials.detectors._formats import UUID, is_formatted_credential
from wabaguard.credentials.detectors._text import Name, assignments, looks_secret, split_words
from wabaguard.credentials.detectors.base import LineContext, Match

BSP_API_KEY = Rule(
    "bsp-api-key",
    "WhatsApp BSP API key in source",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Revoke the key in the provider's dashboard and load a new one from a secret manager",
    Kind.CREDENTIAL,
    "WhatsApp BSP API Key",  # the detect-secrets type: permanent, baselines key on it
)


class Provider:
    # A slotted class with Final fields, not a frozen dataclass (~1 ms of start-up).
    __slots__ = ("context", "min_len", "name", "uuid_key", "words")

    def __init__(
        self,
        name: str,
        words: frozenset[str],
        context: re.Pattern[str],
        min_len: int = 12,
        uuid_key: bool = False,
    ) -> None:
        self.name: Final = name
        self.words: Final = words  # a name containing one of these words is the provider's
        self.context: Final = context  # host or name tying a generic ``token``/``apiKey`` to it
        self.min_len: Final = min_len
        self.uuid_key: Final = uuid_key  # the key is a UUID (Maytapi)


PROVIDERS: tuple[Provider, ...] = (
    Provider("WATI", frozenset({"wati"}), re.compile(r"(?i)\bwati\b|wati\.io")),
    Provider("UltraMsg", frozenset({"ultramsg"}), re.compile(r"(?i)ultramsg"), min_len=10),
    Provider("Wassenger", frozenset({"wassenger"}), re.compile(r"(?i)wassenger")),
    Provider("Maytapi", frozenset({"maytapi"}), re.compile(r"(?i)maytapi"), uuid_key=True),
    Provider("Whapi.Cloud", frozenset({"whapi"}), re.compile(r"(?i)whapi")),
    Provider("Gallabox", frozenset({"gallabox"}), re.compile(r"(?i)gallabox")),
    Provider("Interakt", frozenset({"interakt"}), re.compile(r"(?i)interakt")),
    Provider("AiSensy", frozenset({"aisensy"}), re.compile(r"(?i)aisensy")),
    Provider("Vonage", frozenset({"vonage", "nexmo"}), re.compile(r"(?i)vonage|nexmo"), min_len=8),
    Provider("Sinch", frozenset({"sinch"}), re.compile(r"(?i)sinch")),
    Provider("tyntec", frozenset({"tyntec"}), re.compile(r"(?i)tyntec")),
    Provider("YCloud", frozenset({"ycloud"}), re.compile(r"(?i)ycloud")),
    # Fonnte: ``Authorization: <token>`` (no scheme) to api.fonnte.com/send.
    Provider("Fonnte", frozenset({"fonnte"}), re.compile(r"(?i)fonnte"), min_len=15),
)

# Every reported name ends in a credential word (``WATI_API_TOKEN``, ``x-maytapi-key``,
# ``VONAGE_API_SECRET``) or is ``Authorization``. Four alternatives with explicit case
# classes keep this prefilter cheap inside the engine's union (a long ``(?i)`` alternation of
# provider names cost several times more on real code).
_KEYWORD = re.compile(
    r"[Tt][Oo][Kk][Ee][Nn]|[Kk][Ee][Yy]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz]"
)
# Any provider's name or host: without one on the line, in the path or nearby, nothing on
# the line can be attributed to a provider (checked before parsing anything).
_PROVIDER_NAMES = (
    r"wati|ultramsg|wassenger|maytapi|whapi|gallabox|interakt|aisensy|vonage|nexmo|sinch"
    r"|tyntec|ycloud|fonnte"
)
_ANY_PROVIDER = re.compile(f"(?i){_PROVIDER_NAMES}")
# A call to a provider's client (``ultramsg.NewClient("instance1", "…")`` in Go,
# ``new WatiClient("https://…", "…")`` in Java): its string arguments. Bounded, no nesting.
_CALL = re.compile(rf"(?i:{_PROVIDER_NAMES})[\w.]{{0,40}}\((?P<args>[^()\n]{{1,300}})\)")
_ARGUMENT = re.compile(r"""(["'`])([^"'`\n]{1,200})\1""")
_NOT_A_KEY_ARGUMENT = re.compile(r"(?i)^(?:https?:|instance\d+$|\+?\d+$)|://|/")
_ANY_PROVIDER_LOWER = re.compile(_PROVIDER_NAMES)


def _mentions_provider(text: str) -> bool:
    """``_ANY_PROVIDER.search(text)``, several times faster on ASCII text.

    On ASCII text ``(?i)`` is plain lower-casing, and a case-sensitive alternation lets
    ``re`` skip ahead by first character. Other text keeps ``(?i)`` for its Unicode case
    folding (U+212A KELVIN SIGN matches ``k``, U+017F LONG S matches ``s``).
    """
    if text.isascii():
        return _ANY_PROVIDER_LOWER.search(text.lower()) is not None
    return _ANY_PROVIDER.search(text) is not None


_CREDENTIAL_LAST_WORDS = frozenset({"token", "key", "apikey", "secret", "password", "apisecret"})
# Words that make a provider-named setting something other than the credential.
_NOT_CREDENTIAL = frozenset({"id", "url", "uri", "endpoint", "host", "number", "phone", "name"})
# Generic names (word tuples, ``x-`` header prefix dropped) that need provider context.
_GENERIC_NAMES = frozenset(
    {
        ("token",),
        ("api", "key"),
        ("apikey",),
        ("api", "secret"),
        ("apisecret",),
        ("api", "token"),
        ("access", "token"),
        ("authorization",),
    }
)


# In Markdown prose a bare word names the credential ("API key: `…`", "token is `…`").
_PROSE_NAMES = frozenset({("key",), ("secret",)})
_PROSE_FILES = (".md", ".markdown", ".rst", ".txt")


def _call_arguments(line: str, context: LineContext) -> Iterator[Match]:
    """String arguments of a call to a provider's client that look like its key."""
    for call in _CALL.finditer(line):
        callee = line[call.start() : call.start("args") - 1]
        provider = next((p for p in PROVIDERS if p.context.search(callee.lower())), None)
        if provider is None:  # e.g. ``\bwati\b`` wants a word: take the name's own words
            words = set(split_words(callee))
            provider = next((p for p in PROVIDERS if not p.words.isdisjoint(words)), None)
        if provider is None:
            continue
        for arg in _ARGUMENT.finditer(line, call.start("args"), call.end("args")):
            value = arg.group(2)
            if _NOT_A_KEY_ARGUMENT.search(value) or is_formatted_credential(value):
                continue
            if not looks_secret(value, min_len=provider.min_len):
                continue
            yield _paired(
                Match(
                    BSP_API_KEY,
                    value,
                    arg.start(2),
                    arg.end(2),
                    f"for {provider.name}, passed to {callee.strip()}",
                ),
                provider,
                line,
                context,
            )


def _paired(match: Match, provider: Provider, line: str, context: LineContext) -> Match:
    """A Vonage secret with the API key found beside it (the live check needs both)."""
    if provider.name != "Vonage":
        return match
    from wabaguard.credentials.detectors._vonage import with_key

    return with_key(match, line, context)


def _provider_for(name: Name, line: str, context: LineContext) -> Provider | None:
    words = name.words
    if not words or not _NOT_CREDENTIAL.isdisjoint(words):
        return None
    if words[-1] in _CREDENTIAL_LAST_WORDS:
        for provider in PROVIDERS:
            if not provider.words.isdisjoint(words):
                return provider
    generic = words[1:] if words[0] == "x" else words
    if generic in _PROSE_NAMES and context.path.lower().endswith(_PROSE_FILES):
        # Prose beside the provider's name ("Your WATI API token: `…`"): the same line only.
        return next((p for p in PROVIDERS if p.context.search(line)), None)
    if generic not in _GENERIC_NAMES:
        return None
    for text in (line, context.path):
        for provider in PROVIDERS:
            if provider.context.search(text):
                return provider
    nearby = context.nearby()
    for provider in PROVIDERS:
        if provider.context.search(nearby):
            return provider
    return None


class BspApiKeyDetector:
    rules: tuple[Rule, ...] = (BSP_API_KEY,)
    # Every report is a literal assigned to a name containing one of these words.
    prefilter: re.Pattern[str] = re.compile(f"{_KEYWORD.pattern}|{_CALL.pattern}")
    # The engine leaves the prefilter to scan_line: on most lines the provider check, cheaper
    # than this prefilter's case classes and call shape, already says no.
    confirms_prefilter = True

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        if not (
            _mentions_provider(context.path)
            or (
                context.window_has(_mentions_provider)  # no name anywhere near: done
                and (_mentions_provider(line) or _mentions_provider(context.nearby()))
            )
        ):
            return
        if not self.prefilter.search(line):
            return
        passed = list(_call_arguments(line, context))
        yield from passed
        taken = {m.start for m in passed}  # an argument that is also a keyword's value
        for name, literal in assignments(line, _KEYWORD, context.path):
            if literal.start in taken:
                continue
            value = literal.value
            if is_formatted_credential(value):
                continue  # a Meta token or Infobip key: the format rule reports it
            provider = _provider_for(name, line, context)
            if provider is None:
                continue
            if provider.uuid_key:
                if not UUID.fullmatch(value) or len(set(value)) < 8:
                    continue
            elif not looks_secret(value, min_len=provider.min_len):
                continue
            match = Match(
                BSP_API_KEY,
                value,
                literal.start,
                literal.end,
                f"for {provider.name}, assigned to {name.text}",
                # detect-secrets drops secrets containing a UUID; record it without dashes.
                baseline_secret=value.replace("-", "") if provider.uuid_key else "",
            )
            yield _paired(match, provider, line, context)
