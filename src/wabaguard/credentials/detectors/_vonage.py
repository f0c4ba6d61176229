"""The Vonage (Nexmo) API key found beside an API secret, for the live check.

A Vonage API secret authenticates only with its account's API key (8 characters; the
account's id, shown in the dashboard beside the secret). The ``bsp-api-key`` finding of a
secret keeps the key found beside it as its ``vonage_api_key`` property, the way a Twilio
auth token keeps its account SID: the one key on the secret's line, else the one within
five lines, assigned to ``VONAGE_API_KEY`` / ``NEXMO_API_KEY`` / ``apiKey`` / ``api_key``
(``new Vonage({apiKey, apiSecret})``, ``Vonage(Auth(api_key=…, api_secret=…))``), or to
``key=`` on the secret's own line (``vonage.Client(key=…, secret=…)``). Several candidates:
none (a wrong pair would make a live secret look invalid). Nothing here reports a finding.
"""

from __future__ import annotations

import dataclasses
import re

from wabaguard.credentials.detectors._text import is_placeholder, split_words
from wabaguard.credentials.detectors.base import LineContext, Match

PROPERTY = "vonage_api_key"
# A name, an assignment, an 8-character literal (quoted or not, as in a .env file).
_KEY = re.compile(
    r"""(?P<name>[A-Za-z_$][\w.$\-]{0,60})["'`]?[ \t]{0,4}(?:=>|:=|[:=])[ \t]{0,4}["'`]?"""
    r"""(?P<key>[A-Za-z0-9]{8})(?![A-Za-z0-9_\-.])"""
)
# What a name preceding the secret's literal says it is (``apiSecret: '…'``).
_NAME_BEFORE = re.compile(
    r"""([A-Za-z_$][\w.$\-]{0,60})["'`]?[ \t]{0,4}(?:=>|:=|[:=])[ \t]{0,4}["'`]?$"""
)
_OWNERS = frozenset({"vonage", "nexmo"})


def with_key(match: Match, line: str, context: LineContext) -> Match:
    """``match`` (a Vonage value) with the API key beside it, when it is the secret."""
    before = _NAME_BEFORE.search(line, 0, match.start)
    if before is None or "secret" not in split_words(before.group(1)):
        return match  # the key itself, or a value whose role its name does not say
    key = _one_key(line, context, match.secret)
    if not key:
        return match
    return dataclasses.replace(match, properties={**match.properties, PROPERTY: key})


def _one_key(line: str, context: LineContext, secret: str) -> str:
    keys = _keys(line, secret, bare_ok=True)
    if len(keys) == 1:
        return keys.pop()
    if keys:
        return ""
    keys = _keys(context.nearby(), secret, bare_ok=False)
    return keys.pop() if len(keys) == 1 else ""


def _keys(text: str, secret: str, *, bare_ok: bool) -> set[str]:
    found: set[str] = set()
    for m in _KEY.finditer(text):
        key = m.group("key")
        if key == secret or is_placeholder(key) or not _is_key_name(m.group("name"), bare_ok):
            continue
        if not (re.search(r"[0-9]", key) and re.search(r"[A-Za-z]", key)):
            continue  # 8 digits or 8 letters: a number or a word, not an API key
        found.add(key)
    return found


def _is_key_name(name: str, bare_ok: bool) -> bool:
    """``VONAGE_API_KEY``, ``nexmo.apiKey``, ``apiKey``, ``api_key`` (and bare ``key`` on
    the secret's own line): not another provider's or thing's key."""
    words = [w for w in split_words(name.split(".")[-1]) if w not in ("this", "self")]
    owners = [w for w in split_words(name) if w in _OWNERS]
    if words[-2:] == ["api", "key"] or words[-1:] == ["apikey"]:
        rest = words[:-2] if words[-2:] == ["api", "key"] else words[:-1]
    elif words == ["key"] and bare_ok:
        rest = []
    else:
        return False
    return all(w in _OWNERS for w in rest) and (not rest or bool(owners))
