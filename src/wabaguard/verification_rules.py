"""Rules whose findings live verification makes (``wabaguard scan --verify``), declared here.

Data outside ``online/``, as ``online_rules`` is, so the registry can list them without
importing anything that can reach the network. Both are about a token its issuer confirmed
active; they are reported at the token's place, next to its credential finding.
"""

from __future__ import annotations

from wabaguard.findings import Confidence, Kind, Rule, Severity

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


def verification_rules() -> tuple[Rule, ...]:
    return (OVER_PRIVILEGED_TOKEN, META_USER_TOKEN)
