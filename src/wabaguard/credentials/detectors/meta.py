"""Meta (Facebook) credentials used by the WhatsApp Cloud API.

Formats, context words and traps: ``credentials.md`` §1 (access tokens, app secret, app
access token, webhook verify token).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wabaguard.core.findings import Confidence, Kind, Rule, Severity
from wabaguard.credentials.detectors._formats import (
    HEX32,
    MAX_APP_ID,
    META_PREFILTER,
    META_TOKEN,
    MIN_APP_ID,
    is_formatted_credential,
    is_random_meta_token,
    meta_app_id,
)
from wabaguard.credentials.detectors._text import assignments, is_placeholder, looks_secret
from wabaguard.credentials.detectors.base import LineContext, Match

META_ACCESS_TOKEN = Rule(
    "meta-access-token",
    "Meta access token (WhatsApp Cloud API) in source",
    Severity.CRITICAL,
    Confidence.HIGH,
    "Revoke the token in Meta Business Settings, then load it from a secret manager",
    Kind.CREDENTIAL,
    "Meta Access Token",  # the detect-secrets type: permanent, baselines key on it
)
META_APP_ACCESS_TOKEN = Rule(
    "meta-app-access-token",
    "Meta app access token (APP_ID|APP_SECRET) in source",
    Severity.CRITICAL,
    Confidence.HIGH,
    "Reset the app secret in the Meta App Dashboard, then load it from a secret manager",
    Kind.CREDENTIAL,
    "Meta App Access Token",  # the detect-secrets type: permanent, baselines key on it
)
META_APP_SECRET = Rule(
    "meta-app-secret",
    "Meta app secret in source",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Reset the app secret in the Meta App Dashboard, then load it from a secret manager",
    Kind.CREDENTIAL,
    "Meta App Secret",  # the detect-secrets type: permanent, baselines key on it
)
WHATSAPP_VERIFY_TOKEN = Rule(
    "whatsapp-verify-token",
    "Hard-coded WhatsApp webhook verify token",
    Severity.LOW,
    Confidence.MEDIUM,
    "Read the verify token from an environment variable and choose a new random one",
    Kind.CREDENTIAL,
    "WhatsApp Webhook Verify Token",  # the detect-secrets type: permanent, baselines key on it
)

# Words that tie a name or a file to Meta / WhatsApp (context for generic names).
META_WORDS = frozenset(
    {"fb", "facebook", "meta", "whatsapp", "wa", "waba", "instagram", "ig", "messenger", "graph"}
)
META_CONTEXT = re.compile(
    r"(?i)facebook|whatsapp|graph\.facebook|instagram|messenger|waba|phone_number_id"
    r"|\bfb[_.\-]|\bmeta[_.\-]|\bmeta\b"
)


def has_meta_context(line: str, context: LineContext) -> bool:
    """Meta/WhatsApp words on the line, within five lines, or in the file's path."""
    return any(META_CONTEXT.search(text) for text in (line, context.path, context.nearby()))


# Where a long random ``EAA…`` run is a credential even when its leading bytes name no app
# id: right after an HTTP auth scheme, as the whole value of a credential-named key (YAML,
# JSON and TOML put one key per line, so nesting depth does not matter), or next to a Graph
# API call.
_AUTH_SCHEME = re.compile(r"(?i)(?:bearer|oauth)[ \t]{1,4}$")
_CREDENTIAL_NAME = re.compile(r"(?i)token|key|secret|pass|pwd|auth|bearer|credential")
_CREDENTIAL_NAME_ENDINGS = (
    "token", "key", "secret", "password", "passwd", "pwd", "auth", "authorization", "bearer",
    "credential", "credentials",
)  # fmt: skip
_GRAPH_API = re.compile(r"(?i)graph\.(?:facebook|instagram)\.com|messaging_product")
# What may sit right before and after such a token: never base64 or URL characters, so a
# stretch of a longer blob (an image, a digest, a minified asset) does not qualify.
_BEFORE = frozenset(" \t\"'`=:(,[{>|")
_AFTER = frozenset(" \t\"'`,;:)]}&#<>|\\")


class MetaAccessTokenDetector:
    """``EAA…`` tokens that decode to a plausible Meta app id (structure, not just prefix).

    A long random ``EAA…`` credential without that structure (a token format not seen yet)
    is still reported in a credential context, at medium confidence.
    """

    rules: tuple[Rule, ...] = (META_ACCESS_TOKEN,)
    # Every report is a head (``EAA``…) followed by >= 80 alphanumerics: a proven superset.
    prefilter: re.Pattern[str] = META_PREFILTER

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        setting: _TokenSetting | None = None
        for match in META_TOKEN.finditer(line):
            token = match.group()
            app_id = meta_app_id(token)
            if app_id is None:
                setting = setting or _TokenSetting(line, context)
                why = setting.why_a_credential(match)
                if why:
                    yield Match(
                        META_ACCESS_TOKEN,
                        token,
                        match.start(),
                        match.end(),
                        f"(no Meta app id in its leading bytes; {why})",
                        confidence=Confidence.MEDIUM,
                    )
                continue
            # Documentation fillers (``…FAKEFAKE…``) can pass the 13-character structural
            # check; real token bodies are random base64 with dozens of distinct characters.
            if len(set(token[13:])) < 12:
                continue
            yield Match(
                META_ACCESS_TOKEN,
                token,
                match.start(),
                match.end(),
                f"for Meta app {app_id}",
            )


class _TokenSetting:
    """What a line says about the ``EAA…`` runs on it; each part worked out once, if asked."""

    __slots__ = ("_context", "_line", "_named", "_near_graph")

    def __init__(self, line: str, context: LineContext) -> None:
        self._line = line
        self._context = context
        self._named: dict[tuple[int, int], str] | None = None  # literal span -> its name
        self._near_graph: bool | None = None

    def why_a_credential(self, match: re.Match[str]) -> str:
        """Why this random, free-standing run is a credential, or "" when nothing says so."""
        line = self._line
        start, end = match.span()
        if not (
            (start == 0 or line[start - 1] in _BEFORE)
            and (end == len(line) or line[end] in _AFTER)
            and is_random_meta_token(match.group())
        ):
            return ""
        if _AUTH_SCHEME.search(line, max(0, start - 12), start):
            return "in an Authorization header"
        if self._named is None:
            self._named = _credential_assignments(line, self._context.path)
        name = self._named.get((start, end))
        if name is not None:
            return f"assigned to {name}"
        if self._near_graph is None:
            self._near_graph = any(
                _GRAPH_API.search(text) for text in (line, self._context.nearby())
            )
        return "next to a Graph API call" if self._near_graph else ""


def _credential_assignments(line: str, path: str) -> dict[tuple[int, int], str]:
    """The spans of the literals assigned to credential names on the line, and the names."""
    return {
        (literal.start, literal.end): name.text
        for name, literal in assignments(line, _CREDENTIAL_NAME, path)
        if any(word.endswith(_CREDENTIAL_NAME_ENDINGS) for word in name.words)
    }


# ``APP_ID|APP_SECRET`` (or ``%7C`` URL-encoded) and ``APP_ID|opaque`` from the
# client_credentials grant (credentials.md §1.3). Bounded body: linear time.
_APP_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?P<app>[0-9]{15,16})(?:\||%7[Cc])(?P<body>[A-Za-z0-9_-]{27,40})"
    r"(?![A-Za-z0-9_-])"
)


class MetaAppAccessTokenDetector:
    rules: tuple[Rule, ...] = (META_APP_ACCESS_TOKEN,)
    prefilter: re.Pattern[str] = re.compile(r"[0-9](?:\||%7[Cc])[A-Za-z0-9_-]")

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        for match in _APP_TOKEN.finditer(line):
            app_id = int(match.group("app"))
            body = match.group("body")
            # Any 15-16 digit id: the pipe and the secret are the signal here.
            if not MIN_APP_ID <= app_id < MAX_APP_ID or is_placeholder(body):
                continue
            if HEX32.fullmatch(body):
                kind = "app secret"
            elif (
                looks_secret(body, min_len=27)
                and len(set(body)) >= 12
                and has_meta_context(line, context)
            ):
                kind = "app token"
            else:
                continue
            yield Match(
                META_APP_ACCESS_TOKEN,
                match.group(),
                match.start(),
                match.end(),
                f"for Meta app {app_id} ({kind} form)",
            )


_SECRET_KEYWORD = re.compile(r"[Ss][Ee][Cc][Rr][Ee][Tt]")  # any case; cheaper than (?i)
_BARE_SECRET_WORDS = frozenset({"app", "client", "secret", "api"})


class MetaAppSecretDetector:
    """32 hex assigned to an app-secret name (``META_APP_SECRET``, ``appSecret``…).

    Peers require the literal word "facebook" and miss WhatsApp/Meta naming. Bare
    ``APP_SECRET`` / ``client_secret`` also name Symfony's and OAuth apps' secrets, so
    those need Meta/WhatsApp words within a few lines.
    """

    rules: tuple[Rule, ...] = (META_APP_SECRET,)
    prefilter: re.Pattern[str] = _SECRET_KEYWORD

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        for name, literal in assignments(line, _SECRET_KEYWORD, context.path):
            words = name.words
            if not words or words[-1] != "secret":
                continue
            if not HEX32.fullmatch(literal.value) or is_placeholder(literal.value):
                continue
            if META_WORDS.isdisjoint(words) and not (
                set(words) <= _BARE_SECRET_WORDS
                and len(words) >= 2
                and has_meta_context(line, context)
            ):
                continue
            yield Match(
                META_APP_SECRET,
                literal.value,
                literal.start,
                literal.end,
                f"assigned to {name.text}",
            )


_VERIFY_KEYWORD = re.compile(r"(?i)verify[_.\-]?token")
# A string literal compared with something (``token == "…"``, ``"…" === token``,
# ``token.equals("…")``): the verify token when that something came from hub.verify_token.
_COMPARE = r"""(?:===?|!==?|\.equals\()[ \t]*["'`]|["'`](?:[ \t]*[!=]==?|\.equals\()"""
_COMPARED = re.compile(_COMPARE)
_VERIFY_PREFILTER = re.compile(rf"(?i:verify[_.\-]?token)|{_COMPARE}")
# What the engine's first stage searches for it: every line the prefilter matches holds one
# of these literals, which the gates search together with the others' (the prefilter's
# quote-first alternative would be searched on its own, at every quote of every line).
_VERIFY_GATE = re.compile(r"(?i:verify[_.\-]?token)|==|!=|\.equals\(")
# ``token = req.query["hub.verify_token"]``, ``$token = $_GET['hub_verify_token']``,
# ``token := q.Get("hub.verify_token")``, ``String token = request.getParameter(…)``.
_FROM_HUB = re.compile(
    r"""(?P<var>\$?[A-Za-z_]\w{0,40})[ \t]*:?=[^=\n][^\n]{0,120}?hub[._]verify_token"""
)
_ENV_FILES = (".env",)


def _hub_variables(context: LineContext) -> set[str]:
    return {m.group("var") for prev in context.previous(6) for m in _FROM_HUB.finditer(prev)}


def _compared_with(line: str, variables: set[str]) -> Iterator[tuple[str, int, int]]:
    """(value, start, end) of each literal ``line`` compares with one of ``variables``."""
    for var in variables:
        name = re.escape(var)
        literal = r"""(["'`])([^"'`\n]{1,128})\1"""
        patterns = (
            rf"(?<![\w$.]){name}[ \t]*(?:===?|!==?|\.equals\()[ \t]*{literal}",
            rf"{literal}[ \t]*(?:===?|!==?)[ \t]*{name}(?![\w$])",
            rf"{literal}\.equals\([ \t]*{name}[ \t]*\)",
        )
        for pattern in patterns:
            for m in re.finditer(pattern, line):
                yield m.group(2), m.start(2), m.end(2)


class WhatsAppVerifyTokenDetector:
    """A literal webhook verify token (``VERIFY_TOKEN = "…"``, ``hub.verify_token == "…"``,
    or ``token == "…"`` where ``token`` was read from ``hub.verify_token`` just above).

    The name says what the value is, so short values and values made of words are kept
    (people choose verify tokens like passwords); only placeholders and references are not.
    """

    rules: tuple[Rule, ...] = (WHATSAPP_VERIFY_TOKEN,)
    prefilter: re.Pattern[str] = _VERIFY_PREFILTER
    gate: re.Pattern[str] = _VERIFY_GATE

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        reported: set[int] = set()
        if _VERIFY_KEYWORD.search(line):
            for name, literal in assignments(line, _VERIFY_KEYWORD, context.path):
                if name.words[-1:] != ("token",):
                    continue  # VERIFY_TOKEN_URL, verifyTokenHeader…: not the token itself
                value = literal.value
                if not self._plausible(value, literal.quoted, line, literal.start, context):
                    continue
                reported.add(literal.start)
                yield Match(
                    WHATSAPP_VERIFY_TOKEN,
                    value,
                    literal.start,
                    literal.end,
                    f"assigned to {name.text}",
                )
        if not _COMPARED.search(line):
            return
        variables = _hub_variables(context)
        if not variables:
            return
        for value, start, end in _compared_with(line, variables):
            if start in reported or not looks_secret(value, min_len=4, need_digit=False):
                continue
            if is_formatted_credential(value):
                continue
            yield Match(
                WHATSAPP_VERIFY_TOKEN,
                value,
                start,
                end,
                "compared with hub.verify_token",
            )

    @staticmethod
    def _plausible(value: str, quoted: bool, line: str, start: int, context: LineContext) -> bool:
        # Quoted literals are deliberate strings; so is an unquoted value in a .env file or
        # after "=" (``VERIFY_TOKEN=hello`` in a README). Other unquoted values need a digit,
        # so that prose and schema docs (``verify_token: required``) stay quiet.
        env_style = (
            quoted
            or context.path.rsplit("/", 1)[-1].startswith(_ENV_FILES)
            or line[start - 1 : start] == "="
        )
        if not looks_secret(value, min_len=4 if env_style else 6, need_digit=not env_style):
            return False
        return not is_formatted_credential(value)
