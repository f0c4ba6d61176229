"""Nothing offline can reach the network: the scan, the hook and the rule listings never load
``wabaguard.online``'s network modules; only its ``rules`` (data) are listed by the registry."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "wabaguard"
NETWORK_MODULES = (
    "wabaguard.online.http",
    "wabaguard.online.github",
    "wabaguard.online.rotation",
    "wabaguard.online.rotation_command",
    "wabaguard.online.rotation_report",
)


def loaded_after(argv: list[str], cwd: Path) -> tuple[int, list[str]]:
    """Run ``wabaguard ARGV`` in a fresh interpreter; its exit code and the network-capable
    modules it imported."""
    code = textwrap.dedent(
        f"""
        import json, sys
        from wabaguard.cli import main
        rc = main({argv!r})
        mods = [m for m in sys.modules
                if m.startswith("wabaguard.online") or m in ("http.client", "urllib.request")]
        sys.stderr.write("\\nLOADED " + json.dumps([rc, sorted(mods)]) + "\\n")
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=False
    )
    line = proc.stderr.rsplit("LOADED ", 1)[-1]
    rc, mods = json.loads(line)
    return rc, mods


@pytest.mark.parametrize(
    "argv",
    [
        ["scan", "--no-progress", "."],  # the hook's entry
        ["scan", "--no-progress", "--format", "sarif", "."],  # lists every rule
        ["rules"],
        ["explain", "stale-credential"],
    ],
    ids=["hook", "sarif", "rules", "explain"],
)
def test_offline_commands_never_load_the_network_code(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / ".wabaguard.toml").write_text(
        '[rotation]\nmax-age = "90d"\n[severity]\nstale-credential = "high"\n', encoding="utf-8"
    )
    (tmp_path / "app.py").write_text('REGION = "eu-west-1"\n', encoding="utf-8")
    rc, mods = loaded_after(argv, tmp_path)
    assert rc == 0
    assert not set(mods) & set(NETWORK_MODULES), mods
    assert "http.client" not in mods and "urllib.request" not in mods


def test_the_rotation_command_loads_it_only_when_asked(tmp_path: Path) -> None:
    rc, mods = loaded_after(["rotation", "--help"], tmp_path)
    assert rc == 0
    assert not set(mods) & set(NETWORK_MODULES), mods


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at module level) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, id(node) in top) for alias in node.names)
    return found


def test_the_data_modules_import_nothing_of_the_network() -> None:
    assert _imports(SRC / "online" / "__init__.py") == []
    assert [m for m, _ in _imports(SRC / "online" / "rules.py")] == [
        "__future__",
        "wabaguard.core.findings",
    ]


# That nothing offline imports wabaguard.online (and cli/ only inside functions) is
# tests/test_layout.py's, for the whole package.
