from __future__ import annotations

import sys

from wabaguard.cli import main

sys.exit(main())
