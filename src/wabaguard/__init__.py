"""wabaguard: secret hygiene for WhatsApp Business API integrations."""

from __future__ import annotations

__version__ = "0.1.0"
