"""The rules whose findings the online capabilities make: data only.

The registry (and with it ``rules``, ``explain``, SARIF and the config's rule-id checks)
lists them, so this module is the one part of ``wabaguard.online`` that offline code may
import: it imports nothing but ``wabaguard.core.findings``, and the package's ``__init__`` imports
nothing at all. ``tests/rotation/test_isolation.py`` holds both to that: a scan, the hook and
``wabaguard rules`` never load the network modules (``http``, ``github``, ``rotation*``).
"""

from __future__ import annotations

from wabaguard.core.findings import Confidence, Kind, Rule, Severity

# A credential whose last rotation is older than the policy allows. Made by the rotation
# check (GitHub secret metadata, the config's inventory) and, for a token whose issuer
# reports when it was issued, by live verification. Overdue: the rule's severity; due within
# the warning window: LOW (the draft's own severity).
STALE_CREDENTIAL = Rule(
    "stale-credential",
    "Credential older than the rotation policy",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Rotate it: issue a new credential, store it where this one is kept, then revoke the old one",
    kind=Kind.ROTATION,
)


def online_rules() -> tuple[Rule, ...]:
    return (STALE_CREDENTIAL,)
