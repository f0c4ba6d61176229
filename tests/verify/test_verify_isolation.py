"""Without --verify, a scan never loads the network code; with it, only then."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import fakes

PROBE = """
import json, sys
from wabaguard.cli import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.startswith("wabaguard.online"))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def _run(tmp_path: Path, *args: str) -> dict[str, object]:
    env = {"PATH": "/usr/bin:/bin", "WABAGUARD_GRAPH_API_URL": "http://127.0.0.1:9"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "scan", "--no-progress", *args, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    result: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    return result


def test_scan_without_verify_never_imports_the_network_code(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(f'WHATSAPP_TOKEN = "{fakes.meta_token(seed=41)}"\n')
    plain = _run(tmp_path)
    assert plain["code"] == 1 and plain["loaded"] == []
    verified = _run(tmp_path, "--verify", "--verify-timeout", "2")
    assert verified["code"] == 1
    assert "wabaguard.online.verify.graph" in verified["loaded"]  # type: ignore[operator]
