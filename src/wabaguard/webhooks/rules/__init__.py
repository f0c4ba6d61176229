"""The webhook rules: one module per rule, listed explicitly in a stable order."""

from __future__ import annotations

from types import ModuleType

from wabaguard.webhooks.rules import (
    secret_hardcoded,
    signature_not_verified,
    signature_over_parsed_body,
    signature_timing_unsafe,
    signature_wrong_algorithm,
    verification_failure_not_rejected,
)

MODULES: tuple[ModuleType, ...] = (
    signature_not_verified,
    signature_timing_unsafe,
    signature_over_parsed_body,
    signature_wrong_algorithm,
    verification_failure_not_rejected,
    secret_hardcoded,
)
