"""Published example values and example contexts: the one place that decides them.

Every match, from our detectors and from detect-secrets' plugins alike, passes through
``judge`` before it becomes a finding (``engine.py``). Two outcomes besides "report it":

* **an example value** (dropped): the value itself says it is not a credential. AWS's
  documentation keys (``…EXAMPLE``, ``…EXAMPLEKEY``), exact documented sample values (kept as
  hashes, so this file holds no token-shaped literal), a part of the value made of one repeated
  character or a counting run (``111111111:``, ``123456…``, ``abcdef…``), a truncated or
  elided private key, and a URL's ``user:password@`` whose password is a word for one.
* **an example context** (reported at low confidence, so hidden by the default
  ``--min-confidence medium``): the surrounding text marks the value as an example. The
  example files of an SDK's service models (botocore's ``examples-1.json``), a value under an
  ``example``/``sample`` key, doctest lines.

Peers do the same in their rule files: Kingfisher's rules list words a match must not contain
(``ignore_if_contains: [EXAMPLE]``) and a minimum entropy; Betterleaks (like gitleaks) has a
global allowlist of stop words and of regexes for repeated characters and template variables,
and per-rule allowlists (AWS's ``.+EXAMPLE$``). Here they are one table of classes, each with
a test that a real key beside it is still reported (``tests/detectors/test_examples.py``).
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Sequence
from itertools import pairwise

from wabaguard.credentials.detectors._text import is_placeholder

# AWS documents its sample keys with an upper-case EXAMPLE in them (access key ids ending in
# EXAMPLE, the secret key in EXAMPLEKEY, ids of nine ones then EXAMPLE in IAM's examples); a
# random key spells it by chance with odds of about 62^-7 per position.
_AWS_EXAMPLE = re.compile(r"EXAMPLE")
# SHA-256 of sample values published in providers' documentation (Stripe's test-mode keys,
# GitHub's sample personal access token): exact values, so no real key can collide. Kept as
# numbers, which no scanner reads as a hex secret.
_DOCUMENTED = frozenset(
    {
        0x2CAFC0970149A84F3B9E62EAF169F36F59907A3B3E31F7B82E68C69CD27F7326,
        0xB1471F544CEEEA31333BDE7E1ECBAAD6EAC0D4A749412AD29BD66EF895B81C6B,
        0x3543C50B0CB9CEA8E55EB1F529B79F043CB250D485FDE7B66CABBB5183ADD7DA,
    }
)
_PARTS = re.compile(r"[A-Za-z0-9]+")
_MAX_HEAD = 4
_MIN_RUN = 6  # a part this long made of one character or a counting run is filler
# Characters that mark an elided value: no generated key holds them.
# Bounded, and no bracket inside a bracket: linear on a line of a thousand "<".
_ELIDED = re.compile(
    r"…|\.\.\.|\*\*\*|<[^<>]{0,80}>|\[[^\[\]]{0,80}\]|\bsnip\b|(?i:redacted|truncated)"
)

# Private keys: the body between BEGIN and END (on the line, with "\n" escapes, or on the
# following lines). The shortest real one, an Ed25519 key in PKCS#8, has 64 base64 characters.
_PEM_BEGIN = re.compile(r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_BASE64 = re.compile(r"[A-Za-z0-9+/=]")
_MIN_KEY_BODY = 64
_KEY_LINES = 5  # lines after BEGIN looked at; a longer body is a key's

# Basic auth: words people write for a password in a sample URL.
_PASSWORD_WORDS = frozenset(
    {
        "password", "passwd", "pass", "pwd", "pw", "secret", "passw0rd", "p4ssw0rd",
        "mypassword", "yourpassword", "changeme", "hunter2", "letmein", "foobar", "bar",
    }
)  # fmt: skip
_USERINFO = re.compile(r"://([^:/?#@\s]{1,64}):([^:/?#@\s]{1,64})@")

# Example contexts.
_SDK_EXAMPLES = re.compile(r"(?:^|/)examples-\d+\.json$|\.examples\.json$")
_EXAMPLE_KEY = re.compile(
    r"""(?ix)(?:^|[\s{,"'])(?:x-)?(?:examples?|samples?|sample[_-]?value)["']?[ \t]*[:=]"""
)
_EXAMPLE_OPENER = re.compile(r"""(?i)^[ \t]*["']?(?:x-)?examples?["']?[ \t]*:[ \t]*[{\[]?[ \t]*$""")
_DOCTEST = re.compile(r"^[ \t]*>>> ")
_DOCTEST_FILES = (".py", ".pyi", ".rst", ".txt", ".md")


def example_value(rule_id: str, value: str, line: str = "", following: Sequence[str] = ()) -> str:
    """Why ``value`` (a match of ``rule_id`` on ``line``) is a published or obvious example,
    or "" when nothing says so. ``following`` are the lines after ``line``."""
    if rule_id == "private-key":
        return _elided_private_key(line, following)
    if rule_id == "basic-auth-credentials":
        return _sample_userinfo(line, value)
    if _AWS_EXAMPLE.search(value):
        return "an AWS documentation example"
    if int.from_bytes(hashlib.sha256(value.encode()).digest(), "big") in _DOCUMENTED:
        return "a value published in the provider's documentation"
    if _ELIDED.search(value):
        return "elided"
    parts = _PARTS.findall(value)
    total = sum(len(part) for part in parts)
    for whole in parts:
        # A provider's fixed head (``AC``, ``AKIA``) is not part of the filler.
        head = len(whole) - len(whole.lstrip(string.ascii_letters))
        part = whole[head:] if 0 < head <= _MAX_HEAD else whole
        if len(part) < _MIN_RUN:
            continue
        if len(set(part)) == 1:
            return "filler (a repeated character)"
        # A counting run must be most of the value: an app id such as 123456789012345 is
        # obviously fake, but the secret beside it may not be.
        if 2 * len(part) >= total and _is_counting(part):
            return "filler (a counting run)"
    return ""


def _is_counting(part: str) -> bool:
    """``123456``, ``abcdef``, ``0123456789abcdef``: each character the next of the last."""
    return all(b in _following(a) for a, b in pairwise(part))


def _following(char: str) -> str:
    if char == "9":
        return "0aA"  # 1234567890, and hex runs (0123456789abcdef)
    if char in "zZ":
        return chr(ord(char) - 25)
    if char == "f":
        return "g0"  # hex runs wrap
    return chr(ord(char) + 1)


def _elided_private_key(line: str, following: Sequence[str]) -> str:
    begin = _PEM_BEGIN.search(line)
    if begin is None:
        return ""
    rest = line[begin.end() :]
    end = _PEM_END.search(rest)
    if end is not None:
        body = rest[: end.start()]
    else:
        body_lines = [rest] if rest.strip(" \t\"'`,;\\n") else []
        for nxt in following[:_KEY_LINES]:
            found = _PEM_END.search(nxt)
            if found is not None:
                body_lines.append(nxt[: found.start()])
                break
            body_lines.append(nxt)
        else:
            return ""  # no END within a few lines: a body that long is a key's
        body = "\n".join(body_lines)
    if _ELIDED.search(body):
        return "an elided private key"
    if len(_BASE64.findall(body.replace("\\n", ""))) < _MIN_KEY_BODY:
        return "a private key header without a key body"
    return ""


def _sample_userinfo(line: str, value: str) -> str:
    for match in _USERINFO.finditer(line):
        user, password = match.groups()
        if value and value != password and value not in match.group(0):
            continue  # another URL on the line
        if (
            password.lower() in _PASSWORD_WORDS
            or password.lower() == user.lower()
            or is_placeholder(password)
        ):
            return "a sample user:password in a URL"
    return ""


def example_context(path: str, line: str, previous: Sequence[str]) -> str:
    """Why the text around a value marks it as an example, or "" when nothing does."""
    if _SDK_EXAMPLES.search(path):
        return "in an SDK's example file"
    if _EXAMPLE_KEY.search(line):
        return "under an example key"
    if any(_EXAMPLE_OPENER.match(p) for p in previous[-2:]):
        return "under an example key"
    if path.endswith(_DOCTEST_FILES) and (
        _DOCTEST.match(line) or (previous and _DOCTEST.match(previous[-1]))
    ):
        return "in a doctest"
    return ""
