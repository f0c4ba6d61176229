"""Where detect-secrets finds wabaguard's plugins: ``wabaguard/detect_secrets_plugins.py``,
the path every ``.secrets.baseline`` names (a file that re-exports
``wabaguard.credentials.detect_secrets_plugins``). Found without importing it."""

from __future__ import annotations

import importlib.util
import os


def plugin_file() -> str | None:
    """The plugin file's absolute path; None when it is not installed."""
    spec = importlib.util.find_spec("wabaguard.detect_secrets_plugins")
    if spec is None or spec.origin is None:
        return None
    return os.path.abspath(spec.origin)
