"""Words every front-end recognises: headers, serialisers, verifier names, evidence."""

from __future__ import annotations

import re

# The header in every spelling handlers use: the HTTP name, PHP's $_SERVER key, a Django
# META key, a FastAPI ``Header()`` parameter name. Group 1 is the SHA-256 suffix.
SIGNATURE_HEADER = re.compile(r"x[-_]hub[-_]signature([-_]256)?(?![-_a-z0-9])", re.IGNORECASE)
# The whole string is the header's name: a read of the header, not a mention in prose.
HEADER_NAME = re.compile(r"\s*(?:HTTP_)?x[-_]hub[-_]signature([-_]256)?\s*", re.IGNORECASE)

# A subscription (GET) handshake or a payload walk: this is a WhatsApp webhook.
_SUBSCRIPTION = re.compile(
    r"hub[._](?:mode|challenge|verify_token)|whatsapp_business_account", re.IGNORECASE
)
_ENTRY = re.compile(r"\bentry\b", re.IGNORECASE)
_CHANGES = re.compile(r"\bchanges\b", re.IGNORECASE)
_VALUE_FIELDS = re.compile(r"\b(?:messages|statuses|value)\b", re.IGNORECASE)


def is_evidence(text: str) -> bool:
    if _SUBSCRIPTION.search(text):
        return True
    return bool(_ENTRY.search(text) and _CHANGES.search(text) and _VALUE_FIELDS.search(text))


# Re-serialising a parsed body: the bytes differ from what Meta signed.
SERIALISER = re.compile(
    r"JSON\.stringify|json\.dumps|json_encode|json\.Marshal|jsonify|serialize\(|str\(\s*request\."
)

# A helper or middleware named like a signature verifier. Used only to give the benefit of
# the doubt: a handler that calls one we cannot read is taken as verified.
VERIFIER_NAME = re.compile(r"sig|hmac|verif|authenticat|meta_?auth|webhook_?auth", re.IGNORECASE)

# Narrower, for judging an ``if``: a check named like this decides on the signature (a
# verify-token or user check that only logs is another matter).
SIGNATURE_CHECK_NAME = re.compile(r"sig|hmac", re.IGNORECASE)

# Constant-time comparisons, by the last segment of the callee.
SAFE_COMPARE = frozenset(
    {
        "compare_digest",  # Python hmac / secrets
        "timingSafeEqual",  # Node crypto
        "hash_equals",  # PHP
        "Equal",  # Go hmac.Equal (checked with its package below)
        "ConstantTimeCompare",  # Go crypto/subtle
        "safeCompare",
        "secureCompare",
        "tsscmp",
        "timingSafeCompare",
        "constantTimeEqual",
        "constantTimeCompare",
    }
)

# Calls that end the request on the failure path.
TERMINATING_CALLS = frozenset(
    {"abort", "exit", "die", "panic", "_exit", "Fatal", "Fatalf", "Exit", "abort_with_status"}
)

ALGORITHMS = (("sha256", "sha256"), ("sha1", "sha1"), ("sha-256", "sha256"), ("md5", "md5"))


def algorithm_of(text: str) -> str:
    low = text.lower().replace("_", "")
    for needle, name in ALGORITHMS:
        if needle in low:
            return name
    return ""
