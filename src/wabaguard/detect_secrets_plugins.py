"""wabaguard's detect-secrets plugin file, at the path every ``.secrets.baseline`` names.

detect-secrets loads plugins from a file path (``--plugin PATH``; ``plugins_used[].path`` in
a baseline) and registers every public ``BasePlugin`` subclass it finds there. The plugins
live in ``wabaguard.credentials.detect_secrets_plugins``; this file re-exports them, so the
path that ``wabaguard plugin-path`` prints, and that baselines written by earlier releases
hold, stays the same across layouts.
"""

from wabaguard.credentials.detect_secrets_plugins import *  # noqa: F403
