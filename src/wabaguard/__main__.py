"""``python -m wabaguard``."""

from __future__ import annotations

import os
import sys

# ``python -m`` puts the working directory first on sys.path. wabaguard is run inside
# untrusted repositories: a ``yaml.py`` or ``click.py`` there must never be imported.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from wabaguard.cli import main

sys.exit(main())
