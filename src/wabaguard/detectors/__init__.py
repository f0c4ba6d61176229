"""Credential detectors: Meta tokens, app secrets and BSP API keys."""

from __future__ import annotations

from wabaguard.detectors.base import Detector
from wabaguard.detectors.bsp import BspApiKeyDetector
from wabaguard.detectors.dialog360 import Dialog360ApiKeyDetector
from wabaguard.detectors.green_api import GreenApiTokenDetector
from wabaguard.detectors.infobip import InfobipApiKeyDetector
from wabaguard.detectors.literal import WhatsAppCredentialLiteralDetector
from wabaguard.detectors.messaging_keys import (
    ChatApiTokenDetector,
    GupshupApiKeyDetector,
    KaleyraApiKeyDetector,
    MessageBirdAccessKeyDetector,
)
from wabaguard.detectors.meta import (
    MetaAccessTokenDetector,
    MetaAppAccessTokenDetector,
    MetaAppSecretDetector,
    WhatsAppVerifyTokenDetector,
)
from wabaguard.detectors.twilio import TwilioAuthTokenDetector
from wabaguard.findings import Rule


def all_detectors() -> tuple[Detector, ...]:
    """Every WhatsApp/Meta/BSP detector, in a stable order (format-based rules first)."""
    return (
        MetaAccessTokenDetector(),
        MetaAppAccessTokenDetector(),
        InfobipApiKeyDetector(),
        GreenApiTokenDetector(),
        MessageBirdAccessKeyDetector(),
        GupshupApiKeyDetector(),
        KaleyraApiKeyDetector(),
        ChatApiTokenDetector(),
        TwilioAuthTokenDetector(),
        MetaAppSecretDetector(),
        WhatsAppVerifyTokenDetector(),
        Dialog360ApiKeyDetector(),
        BspApiKeyDetector(),
        WhatsAppCredentialLiteralDetector(),
    )


def all_rules() -> tuple[Rule, ...]:
    return tuple(rule for detector in all_detectors() for rule in detector.rules)
