"""Twilio auth tokens: 32 lowercase hex, which only their setting can tell from a digest.

detect-secrets' plugin reports the account SID (``AC`` + 32 hex) and API key SIDs; the token
that goes with the SID is the secret that matters (credentials.md §2.2: "Bare 32-hex auth
tokens need the twilio context"). Reported when the literal

* follows an account SID literal in the same call or list (``Client("AC…", "…")``,
  ``Twilio.init("AC…", "…")``, ``twilio.NewRestClientWithParams``…): high confidence;
* is assigned to an auth-token name with Twilio in the name (``TWILIO_AUTH_TOKEN``,
  ``twilio.auth-token``, ``twilioAuthToken``): high;
* is assigned to a bare auth-token name (``auth_token``, ``authToken``, ``auth-token:`` in a
  ``twilio:`` YAML block, a Java constant) with Twilio or an account SID on the line, within
  five lines or in the file's path: medium.

The account SID beside the token (in the pair, or the one SID on its line or within five
lines) is kept as the finding's ``account_sid`` property: an identifier, not a secret, which
the live check (``scan --verify``) needs to fetch the account.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wabaguard.core.findings import Confidence, Kind, Rule, Severity
from wabaguard.credentials.detectors._text import assignments, is_placeholder
from wabaguard.credentials.detectors.base import LineContext, Match

TWILIO_AUTH_TOKEN = Rule(
    "twilio-auth-token",
    "Twilio auth token in source",
    Severity.CRITICAL,
    Confidence.HIGH,
    "Rotate the auth token in the Twilio Console (Account > API keys & tokens) and load it "
    "from a secret manager",
    Kind.CREDENTIAL,
    "Twilio Auth Token",  # the detect-secrets type: permanent, baselines key on it
)

_HEX32 = re.compile(r"[a-f0-9]{32}")
# An account SID literal, then the next argument or field (``Client("AC…", "…")``, Go's
# ``ClientParams{Username: "AC…", Password: "…"}``), or ``AC…:token`` as basic-auth
# credentials (``curl -u``): the (SID, token) pair every Twilio client takes. Bounded.
_PAIR = re.compile(
    r"""(?P<sid>AC[a-f0-9]{32})(?:["'`][ \t]{0,4}[,;][ \t]{0,4}"""
    r"""(?:[A-Za-z_][\w.]{0,24}[ \t]{0,4}[:=][ \t]{0,4})?["'`]|:)"""
    r"""(?P<token>[a-f0-9]{32})(?![A-Za-z0-9])"""
)
_SID = re.compile(r"AC[a-f0-9]{32}")
_CONTEXT = re.compile(r"(?i)twilio")
# Every report is on a line with an auth-token name or an account SID.
_KEYWORD = re.compile(r"(?i)auth[_\-.]?token|AC[a-f0-9]{32}")
_NAME_KEYWORD = re.compile(r"(?i)auth[_\-.]?token")


def _is_random_hex(value: str) -> bool:
    return bool(_HEX32.fullmatch(value)) and len(set(value)) >= 8 and not is_placeholder(value)


class TwilioAuthTokenDetector:
    rules: tuple[Rule, ...] = (TWILIO_AUTH_TOKEN,)
    prefilter: re.Pattern[str] = _KEYWORD

    def scan_line(self, line: str, context: LineContext) -> Iterator[Match]:
        seen: set[int] = set()
        for pair in _PAIR.finditer(line):
            token = pair.group("token")
            if _is_random_hex(token):
                seen.add(pair.start("token"))
                yield Match(
                    TWILIO_AUTH_TOKEN,
                    token,
                    pair.start("token"),
                    pair.end("token"),
                    "(next to its account SID)",
                    properties={"account_sid": pair.group("sid")},
                )
        if not _NAME_KEYWORD.search(line):
            return
        for name, literal in assignments(line, _NAME_KEYWORD, context.path):
            if literal.start in seen or not _is_random_hex(literal.value):
                continue
            words = name.words
            if not (words[-1:] == ("authtoken",) or (words[-1:] == ("token",) and "auth" in words)):
                continue  # AUTH_TOKEN_URL, authTokenHeader…: not the token itself
            confidence: Confidence | None = None
            if "twilio" not in words:
                if not _twilio_nearby(line, context):
                    continue
                confidence = Confidence.MEDIUM
            sid = _one_sid(line, context)
            yield Match(
                TWILIO_AUTH_TOKEN,
                literal.value,
                literal.start,
                literal.end,
                f"assigned to {name.text}",
                confidence=confidence,
                properties={"account_sid": sid} if sid else {},
            )


def _twilio_nearby(line: str, context: LineContext) -> bool:
    return any(
        _CONTEXT.search(text) or _SID.search(text)
        for text in (line, context.path, context.nearby())
    )


def _one_sid(line: str, context: LineContext) -> str:
    """The account SID on the line, else the only one within five lines ("" if none or
    several: a wrong pairing would make a live token look invalid)."""
    for text in (line, context.nearby()):
        sids: set[str] = set(_SID.findall(text))
        if len(sids) == 1:
            return sids.pop()
        if sids:
            return ""
    return ""
