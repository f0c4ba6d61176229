"""Credential detectors: Meta tokens, app secrets and BSP API keys."""

from __future__ import annotations

from wabaguard.detectors.base import Detector
from wabaguard.findings import Rule


def all_detectors() -> tuple[Detector, ...]:
    """Every WhatsApp/Meta/BSP detector, in a stable order."""
    return ()


def all_rules() -> tuple[Rule, ...]:
    return tuple(rule for detector in all_detectors() for rule in detector.rules)
