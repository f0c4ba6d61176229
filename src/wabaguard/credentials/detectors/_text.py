"""Shared text helpers for the context-gated detectors.

Most WhatsApp BSP credentials have no distinctive format, so those detectors look for a
*telling name* (``D360_API_KEY``, ``x-maytapi-key``, ``hub.verify_token``…) followed by an
assignment-like connector and a *literal* value. This module finds the names, parses what
follows them and decides whether that is a literal (as opposed to an environment lookup,
a template or a placeholder).

Everything here does a bounded amount of work per keyword hit, so a detector's cost is
linear in the line length whatever the line contains.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

# Longest name or value we consider. Bounds every scan so pathological lines stay linear.
MAX_NAME = 64
MAX_VALUE = 512

_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
_QUOTES = "\"'`"

# Files whose unquoted right-hand sides are variable references, not literals.
_CODE_SUFFIXES = (
    ".py", ".pyi", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".go", ".java",
    ".kt", ".kts", ".scala", ".php", ".rb", ".cs", ".swift", ".rs", ".dart", ".c", ".h",
    ".cc", ".cpp", ".vue", ".svelte", ".groovy", ".gradle", ".lua", ".ex", ".exs", ".ipynb",
)  # fmt: skip

# What may sit between a name and its value. Anchored and bounded: constant work per call.
#   closing quote of a quoted name (``\"`` in JSON-in-JSON such as notebooks), then an
#   optional ``]`` / ``)`` (``cfg["X"] = …``, ``getenv("X") or …``), an optional type
#   annotation (``token: str = …``), and one connector.
_CONNECTOR = re.compile(
    r"""
    (?P<kq>\\?["'`])?
    (?P<close>[ \t]{0,4}[\])])?
    (?:[ \t]{0,4}:[ \t]{0,4}[A-Za-z_][\w.\[\]|<>?]{0,40}(?=[ \t]{0,4}=[^=>]))?
    [ \t]{0,8}
    (?P<op>:=|=>|===|!==|==|!=|=|:|,|\|\||\?\?|\?:|\bor\b|->)
    [ \t]{0,16}
    """,
    re.VERBOSE,
)
# Dockerfile ``ENV NAME value`` / ``ARG NAME value`` (no ``=``).
_DOCKER_ENV = re.compile(r"^[ \t]*(?:ENV|ARG)[ \t]+$")

# A value that starts with an authentication scheme (``Bearer x``, ``App x``…).
_SCHEME = re.compile(r"(?:Bearer|Basic|Token|App|AccessKey|token)[ \t]{1,4}(?=\S)")

# Unquoted values end at whitespace, quotes, separators and comment starts.
_UNQUOTED = re.compile(rf"[^\s\"'`,;:#&)}}\]<>|]{{1,{MAX_VALUE}}}")

# Environment / secret-store lookups and templates: the right way to get a credential.
_ENV_REFERENCE = re.compile(
    r"""(?ix)
    \$\{ | \$\( | \{\{ | \{% | ^\$ | %\( | ^%[A-Za-z_]
    | process\.env | import\.meta\.env | os\.environ | getenv | \bENV\b | System\.getenv
    | \benv\( | Deno\.env | secrets\. | vars\. | config\( | settings\.
    """
)

# Placeholders are recognised by the shape of the whole value, never by a word found inside
# it: a random key can spell "todo" or "Here" by chance, a placeholder is made of words.
#
# Characters no generated key contains (keys are alphanumeric, base64 or hex), so a value
# holding one of these is a placeholder wherever it sits: brackets (``<YOUR_TOKEN>``,
# ``{{ api_key }}``, ``[API KEY]``), truncations (``EAAG...``, ``sk_…``), masks (``ab12****``).
_MARKED = re.compile(r"[<>{}\[\]]|…|\.\.\.|\*\*\*|•")
# A Meta token's fixed head glued to a placeholder (``EAAtoken``, ``EAAGyour_token_here``,
# ``EAACHANGEME``): the words are read after it too.
_TOKEN_HEADS = ("EAA", "EAAB", "EAAC", "EAAD", "EAAG")
# A value that is nothing but a name for one.
_NAME_VALUE = re.compile(
    r"(?i)none|null|nil|true|false|undefined|secret|token|password|string"
    r"|api[_-]?key|access[_-]?token"
)
# Masking with x: a long run, or one that is a good part of the value (``sk_live_xxxx``).
_FILLER = re.compile(r"x{4,}|X{4,}")
# A value made of words (``your_token_here``, ``YourApiKey``, ``changeMeD360``): each
# alphanumeric run splits into words of one case style each, with at most one number of up
# to four digits, at the start or the end of the run (``360dialog``, ``token_v2``). Random
# keys split into fragments and numbers everywhere (``aB3kQ9`` -> a, B, 3, k, Q, 9).
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_TOKENS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_MAX_UNKNOWN_WORDS = 4  # words outside _VOCABULARY (``wati_gallabox_your_d360_bsp``)
# Words that make a value of words a placeholder, alone (``your_token_here``, ``TODO``,
# ``test-key``) or in the pairs of ``_is_marker_at``.
_MARKERS = frozenset(
    {
        "your", "here", "todo", "fixme", "tbd", "changeme", "placeholder", "example",
        "sample", "dummy", "replace", "insert", "redacted", "test", "fake", "mock",
    }
)  # fmt: skip
_SECRET_WORDS = frozenset({"key", "token", "secret", "password", "apikey", "accesstoken"})
# Words a glued placeholder is made of (``yourtokenhere``, ``REPLACEME``, ``myapikey``).
_VOCABULARY = _MARKERS | _SECRET_WORDS | frozenset(
    {
        "change", "me", "my", "the", "an", "to", "of", "in", "with", "for", "and", "goes",
        "go", "put", "paste", "enter", "set", "real", "actual", "own", "new", "value", "api",
        "keys", "tokens", "access", "secrets", "pass", "auth", "app", "id", "client",
        "bearer", "account", "user", "verify", "webhook", "whatsapp", "meta", "facebook",
        "instance", "phone", "number", "business", "sandbox", "live", "prod", "dev",
        "string", "credential", "credentials", "cloud", "graph", "system", "page",
        "temporary", "temp", "long", "lived", "hub", "dialog", "here", "sk", "pk", "wa",
        "fb", "ig",
    }
)  # fmt: skip
_LONGEST_WORD = max(len(word) for word in _VOCABULARY)
_SPACE = re.compile(r"\s")
_SLUG_SEPARATORS = re.compile(r"[-_.:/]")
_SLUG_PART = re.compile(r"[a-z]{2,}|v?[0-9]{1,4}")
_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[A-Za-z]")
_UPPER_SNAKE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_DOTTED_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+")
_CAMEL_SPLIT = re.compile(r"[a-z0-9]+|[A-Z]+(?![a-z])|[A-Z][a-z0-9]*")


# Name and Literal are slotted classes, immutable by contract (``Final``, checked by mypy)
# and compared by identity: a frozen dataclass costs about 1 ms of every run's start-up.


class Name:
    """A telling name found in a line: ``text`` spans ``[start, end)``."""

    __slots__ = ("end", "start", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text: Final = text
        self.start: Final = start
        self.end: Final = end

    @property
    def words(self) -> tuple[str, ...]:
        return split_words(self.text)


class Literal:
    """A literal value assigned to a name; ``[start, end)`` are offsets in the line."""

    __slots__ = ("end", "quoted", "start", "value")

    def __init__(self, value: str, start: int, end: int, quoted: bool) -> None:
        self.value: Final = value
        self.start: Final = start
        self.end: Final = end
        self.quoted: Final = quoted


def split_words(name: str) -> tuple[str, ...]:
    """``WHATSAPP_ACCESS_TOKEN`` / ``whatsappAccessToken`` / ``x-maytapi-key`` -> words."""
    return tuple(w.lower() for w in _CAMEL_SPLIT.findall(name))


def is_code_file(path: str) -> bool:
    return path.lower().endswith(_CODE_SUFFIXES)


def find_names(line: str, keyword: re.Pattern[str]) -> Iterator[Name]:
    """Every identifier-like name in ``line`` that contains a ``keyword`` hit.

    The name is the keyword hit widened to the surrounding ``[A-Za-z0-9_.-]`` run, at most
    ``MAX_NAME`` characters each way, so each hit costs a bounded amount of work.
    """
    last_end = -1
    for hit in keyword.finditer(line):
        if hit.start() < last_end:
            continue  # a second keyword inside a name already reported
        start = hit.start()
        floor = max(0, start - MAX_NAME)
        while start > floor and line[start - 1] in _NAME_CHARS:
            start -= 1
        end = hit.end()
        ceiling = min(len(line), end + MAX_NAME)
        while end < ceiling and line[end] in _NAME_CHARS:
            end += 1
        # A trailing "." or "-" is punctuation, not part of the name (``KEY-`` in prose).
        while end > hit.end() and line[end - 1] in ".-":
            end -= 1
        last_end = end
        yield Name(line[start:end], start, end)


def literal_after(line: str, name: Name, path: str) -> Literal | None:
    """The literal value assigned to ``name`` in ``line``, or ``None``.

    Understands ``NAME=v``, ``NAME: v``, ``"NAME": "v"``, ``NAME := "v"``, ``'NAME' => 'v'``,
    ``set("NAME", "v")``, ``getenv("NAME", "v")``, ``process.env.NAME || "v"``,
    ``-H "NAME: v"``, ``?NAME=v&…`` and Dockerfile ``ENV NAME v``. Unquoted values count as
    literals only where they cannot be variable references: outside code files, inside a
    quoted string, or in a URL query.
    """
    before = line[name.start - 1] if name.start > 0 else ""
    in_query = before in "?&"
    connector = _CONNECTOR.match(line, name.end)
    if connector is None:
        if _DOCKER_ENV.match(line, 0, name.start) and line[name.end : name.end + 1] in " \t":
            pos = name.end
            while pos < len(line) and line[pos] in " \t":
                pos += 1
            return _read_value(line, pos, path, quoted_name=False, in_query=False, op="=")
        return None
    op = connector.group("op")
    quoted_name = connector.group("kq") is not None
    if op == "," and not (quoted_name and _is_first_argument(line, name.start)):
        # Only ``f("NAME", "v")`` pairs a name with the next argument. ``f(NAME, "x")`` passes
        # a variable, and in a list or tuple of strings the neighbours are unrelated.
        return None
    return _read_value(line, connector.end(), path, quoted_name, in_query, op, before)


def _is_first_argument(line: str, start: int) -> bool:
    """The quoted name starting at ``start`` (after its quote) opens a call's argument list."""
    pos = start - 2  # skip the opening quote ...
    if pos >= 0 and line[pos] == "\\":
        pos -= 1  # ... escaped inside a JSON string (notebooks): \"NAME\"
    floor = max(0, pos - 8)
    while pos >= floor and line[pos] in " \t":
        pos -= 1
    return pos >= 0 and line[pos] == "("


def _read_value(
    line: str,
    pos: int,
    path: str,
    quoted_name: bool,
    in_query: bool,
    op: str,
    before: str = "",
) -> Literal | None:
    if pos >= len(line):
        return None
    # Python string prefixes: r"…", b"…"; f-strings are templates and rejected below.
    if line[pos] in "rbuRBU" and pos + 1 < len(line) and line[pos + 1] in _QUOTES:
        pos += 1
    if line[pos] == "f" and pos + 1 < len(line) and line[pos + 1] in _QUOTES:
        return None
    quote = ""
    if line[pos] in _QUOTES:
        quote = line[pos]
    elif line[pos] == "\\" and pos + 1 < len(line) and line[pos + 1] in _QUOTES:
        quote = line[pos : pos + 2]  # JSON inside JSON (notebooks): \"value\"
    if quote:
        start = pos + len(quote)
        end = line.find(quote, start, start + MAX_VALUE + 1)
        if end < 0:
            return None
        start, end = _strip_scheme(line, start, end)
        value = line[start:end]
        if not value or any(c in value for c in "\n\r"):
            return None
        return Literal(value, start, end, quoted=True)
    if op not in ("=", ":", ":=", "=>"):
        return None
    start, end = _strip_scheme(line, pos, len(line))
    unquoted = _UNQUOTED.match(line, start)
    if unquoted is None:
        return None
    end = unquoted.end()
    # Unquoted is a literal in config files, in URL queries and inside a quoted string
    # (``-H "D360-API-KEY: v"``); in code it is a variable reference.
    # A form-encoded body in a string (``"token=…&to=…"``) is a string too.
    inside_string = before in _QUOTES and end < len(line) and line[end] in (before, "&")
    if is_code_file(path) and not (in_query or inside_string):
        return None
    value = line[start:end]
    if _DOTTED_IDENTIFIER.fullmatch(value):
        return None
    return Literal(value, start, end, quoted=False)


def _strip_scheme(line: str, start: int, end: int) -> tuple[int, int]:
    scheme = _SCHEME.match(line, start, end)
    return (scheme.end(), end) if scheme else (start, end)


def is_reference(value: str) -> bool:
    """An environment lookup, template or variable, never a hard-coded credential."""
    return bool(_ENV_REFERENCE.search(value)) or bool(_UPPER_SNAKE.fullmatch(value))


def is_placeholder(value: str) -> bool:
    """Documentation placeholders and low-variety strings, judged on the whole value.

    ``<YOUR_TOKEN>``, ``{{api_key}}``, ``EAAG...``, ``xxxx``, ``your-token-here``,
    ``YourApiKey``, ``changeme``, ``1111``: yes. A random key that happens to contain
    ``todo``, ``your`` or ``Here``: no.
    """
    if _MARKED.search(value):
        return True
    for run in _FILLER.finditer(value):
        if len(run.group()) >= 8 or 4 * len(run.group()) >= len(value):
            return True
    distinct = len(set(value.lower()))
    if distinct < 5 or (len(value) >= 16 and distinct < 8):
        return True
    cores = [value] + [value[len(h) :] for h in _TOKEN_HEADS if value.startswith(h)]
    for core in cores:
        if _NAME_VALUE.fullmatch(core):
            return True
        words = _words(core)
        if words is not None and _has_marker(words):
            return True
    return False


def _words(value: str) -> list[str] | None:
    """The value's words, lower-cased, glued ones split (``yourtokenhere``); None when the
    value is not made of words."""
    words: list[str] = []
    unknown: set[str] = set()
    for run in _NON_ALNUM.split(value):
        tokens = _TOKENS.findall(run)
        for i, text in enumerate(tokens):
            if text.isdigit():
                if len(text) > 4 or 0 < i < len(tokens) - 1:
                    return None
                continue
            known = _segment(text.lower())
            if known is not None:
                words.extend(known)
            elif len(text) == 1:
                if i != len(tokens) - 2 or not tokens[-1].isdigit():
                    return None  # only a version or a model leads a number: v2, D360
            else:
                # A name outside the vocabulary (``your_gallabox_key``) stands apart: glued to
                # other letters it cannot be told from a random fragment (``ujzdeTODO``).
                unknown.add(text.lower())
                letters = sum(1 for t in tokens if not t.isdigit())
                if len(text) < 3 or letters > 1 or len(unknown) > _MAX_UNKNOWN_WORDS:
                    return None
                words.append(text.lower())
    return words or None


def _segment(word: str) -> list[str] | None:
    """``word`` as a sequence of ``_VOCABULARY`` words, or None (bounded: O(len * longest))."""
    if word in _VOCABULARY:
        return [word]
    # best[i]: a segmentation of word[:i] (any one: every reading of a marker is checked).
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST_WORD), end):
            head = best[start]
            if head is not None and word[start:end] in _VOCABULARY:
                best[end] = [*head, word[start:end]]
                break
    return best[-1]


def _has_marker(words: list[str]) -> bool:
    for i, word in enumerate(words):
        if word in _MARKERS:
            return True
        following = words[i + 1 : i + 3]
        if word == "change" and following[:1] == ["me"]:
            return True
        # ``my_token``, ``my-api-key``, ``MySecret``: not ``my_verify_token``.
        if word == "my" and following:
            if following[0] in _SECRET_WORDS:
                return True
            if following[0] == "api" and following[1:] and following[1] in _SECRET_WORDS:
                return True
    return False


def looks_secret(value: str, min_len: int = 8, need_digit: bool = True) -> bool:
    """A plausible credential literal: long enough, one token, not a reference or placeholder."""
    if len(value) < min_len or len(value) > MAX_VALUE:
        return False
    if _SPACE.search(value):
        return False
    if need_digit and not (_DIGIT.search(value) and _LETTER.search(value)):
        return False
    if need_digit and is_slug(value):
        return False
    return not is_reference(value) and not is_placeholder(value)


def is_slug(value: str) -> bool:
    """Words joined by separators (``order_confirmation_v3``, ``whatsapp-business-api-v2``).

    Names of things, not random keys: every part is a lower-case word or a short version
    number. Random keys, JWT segments and UUID groups mix letters and digits within a part.
    """
    parts = [part for part in _SLUG_SEPARATORS.split(value) if part]
    return len(parts) >= 2 and all(_SLUG_PART.fullmatch(part) for part in parts)


def assignments(line: str, keyword: re.Pattern[str], path: str) -> Iterator[tuple[Name, Literal]]:
    """Each name containing ``keyword`` that is assigned a literal in ``line``."""
    consumed = 0
    for name in find_names(line, keyword):
        if name.start < consumed:
            continue  # inside the previous value: each character is read at most once
        literal = literal_after(line, name, path)
        if literal is not None:
            consumed = literal.end
            yield name, literal
