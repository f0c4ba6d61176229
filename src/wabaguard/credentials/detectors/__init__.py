"""Credential detectors: Meta tokens, app secrets and BSP API keys."""

from __future__ import annotations

from wabaguard.core.findings import Rule
from wabaguard.credentials.detectors.base import Detector
from wabaguard.credentials.detectors.bsp import BspApiKeyDetector
from wabaguard.credentials.detectors.dialog360 import Dialog360ApiKeyDetector
from wabaguard.credentials.detectors.green_api import GreenApiTokenDetector
from wabaguard.credentials.detectors.infobip import InfobipApiKeyDetector
from wabaguard.credentials.detectors.literal import WhatsAppCredentialLiteralDetector
from wabaguard.credentials.detectors.messaging_keys import (
    ChatApiTokenDetector,
    GupshupApiKeyDetector,
    KaleyraApiKeyDetector,
    MessageBirdAccessKeyDetector,
)
from wabaguard.credentials.detectors.meta import (
    MetaAccessTokenDetector,
    MetaAppAccessTokenDetector,
    MetaAppSecretDetector,
    WhatsAppVerifyTokenDetector,
)
from wabaguard.credentials.detectors.twilio import TwilioAuthTokenDetector


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
