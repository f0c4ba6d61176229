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


# An active Meta token whose scopes go beyond WhatsApp messaging and management (for
# example business_management, or ads and pages permissions): a leak reaches far more than
# the integration needs.
OVER_PRIVILEGED_TOKEN = Rule(
    "over-privileged-token",
    "Live Meta token with permissions beyond WhatsApp messaging",
    Severity.CRITICAL,
    Confidence.HIGH,
    "Replace it with a System User token granted only whatsapp_business_messaging and "
    "whatsapp_business_management, then revoke this one",
    kind=Kind.VERIFICATION,
)

# An active Meta USER token used by an integration: it stops working when its person leaves,
# changes their password or logs out, and it acts with all of that person's access.
META_USER_TOKEN = Rule(
    "meta-user-token",
    "Live Meta USER token where a System User token belongs",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Issue a System User token for the integration in Meta Business Settings and revoke this "
    "personal token",
    kind=Kind.VERIFICATION,
)


def online_rules() -> tuple[Rule, ...]:
    return (STALE_CREDENTIAL, OVER_PRIVILEGED_TOKEN, META_USER_TOKEN)
