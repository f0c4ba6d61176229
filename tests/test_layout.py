"""The package layout holds: imports point down, and nothing offline can reach the network.

Every ``import`` in ``src/wabaguard`` is read with ``ast`` (at module level and inside
functions alike) and checked against the layers in ``docs/architecture.md``:

* ``core`` imports no capability;
* a capability imports the core and the layers below it (``sources``), never another
  capability and never the CLI;
* nothing outside ``online/`` and ``cli/`` imports ``online`` at all, and ``cli/`` only inside
  a function that runs when a network feature is asked for;
* the registry names each capability's rule list by string, and only capability packages.

Then, as a process: ``wabaguard scan`` (what the hook runs) loads no ``online`` module and no
other command's module.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "wabaguard"

# Layer -> the other layers it may import (itself always).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "sources": {"core"},
    "credentials": {"core", "sources"},
    "workflows": {"core", "sources"},
    "webhooks": {"core", "sources"},
    "reporters": {"core"},
    # Composes the history walk (a source) with the credential engine.
    "history": {"core", "sources", "credentials", "reporters"},
    # Network features use the offline capabilities' results, never the CLI.
    "online": {"core", "sources", "credentials", "workflows", "webhooks", "reporters", "history"},
    "cli": {
        *("core", "sources", "credentials", "workflows", "webhooks", "reporters", "history"),
        "online",
    },
    # The two permanent public paths (plugin file, baseline filter) re-export credentials.
    "detect_secrets_plugins": {"credentials"},
    "baseline": {"credentials"},
    "__main__": {"cli"},
    "__init__": set(),
}
CAPABILITIES = ("sources", "credentials", "workflows", "webhooks", "history", "online")


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports(source: str) -> Iterator[tuple[str, bool, int]]:
    """(imported wabaguard module, inside a function?, line) for every import statement."""
    tree = ast.parse(source)
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, nested = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, nested, child.lineno
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                if child.module == "wabaguard":
                    for alias in child.names:  # `from wabaguard import workflows`
                        yield f"wabaguard.{alias.name}", nested, child.lineno
                else:
                    yield child.module, nested, child.lineno
            stack.append((child, inner))


def violations(path: Path) -> list[str]:
    here = module_name(path)
    mine = layer_of(here)
    allowed = ALLOWED[mine] | {mine}
    found = []
    for target, nested, line in imports(path.read_text(encoding="utf-8")):
        if not target.startswith("wabaguard.") or target == "wabaguard.__version__":
            continue
        theirs = layer_of(target)
        where = f"{path.relative_to(PACKAGE)}:{line} imports {target}"
        if theirs not in allowed:
            found.append(f"{where} ({mine} may not import {theirs})")
        elif theirs == "online" and mine == "cli" and not nested:
            found.append(f"{where} at module level (only inside the function that needs it)")
    return found


def test_the_check_sees_what_it_must() -> None:
    source = (
        "import wabaguard.cli.scan\n"
        "from wabaguard import workflows\n"
        "def f():\n    from wabaguard.online import http\n"
    )
    assert sorted(imports(source)) == [
        ("wabaguard.cli.scan", False, 1),
        ("wabaguard.online", True, 4),
        ("wabaguard.workflows", False, 2),
    ]
    assert layer_of("wabaguard.core.findings") == "core"
    assert module_name(PACKAGE / "core" / "__init__.py") == "wabaguard.core"


def test_every_module_is_in_a_known_layer() -> None:
    unknown = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if layer_of(module_name(p)) not in ALLOWED
    )
    assert not unknown, f"modules outside the documented layers: {unknown}"


def test_imports_point_down() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 80
    found = [v for path in files for v in violations(path)]
    assert not found, "\n".join(found)


def test_a_violation_is_reported(tmp_path: Path) -> None:
    # The check itself can fail: a core module importing a capability is caught.
    fake = PACKAGE / "core" / "_layout_probe.py"
    fake.write_text("from wabaguard.credentials.engine import Engine\n", encoding="utf-8")
    try:
        assert violations(fake) == [
            "core/_layout_probe.py:1 imports wabaguard.credentials.engine "
            "(core may not import credentials)"
        ]
    finally:
        fake.unlink()


def test_the_network_features_rules_are_data() -> None:
    """``online/rules.py`` is what the registry (so every scan) loads of ``online/``: it may
    import the core only, and the package's ``__init__`` nothing at all."""
    rules = PACKAGE / "online" / "rules.py"
    targets = {t for t, _, _ in imports(rules.read_text(encoding="utf-8"))}
    assert {t for t in targets if t.startswith("wabaguard.")} <= {
        t for t in targets if t.startswith("wabaguard.core.")
    }
    init = PACKAGE / "online" / "__init__.py"
    assert not [t for t, _, _ in imports(init.read_text(encoding="utf-8"))]


def test_the_registry_names_only_capability_rule_lists() -> None:
    from wabaguard.core import registry

    layers = {layer_of(source.partition(":")[0]) for source in registry.RULE_SOURCES}
    assert layers <= set(CAPABILITIES)
    assert {"credentials", "workflows"} <= layers
    ids = [rule.id for rule in registry.all_rules()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("command", [["scan", "--no-progress"], ["scan", "--format", "sarif"]])
def test_the_hook_path_loads_no_network_code_and_no_other_command(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "app.py").write_text("TOKEN = os.environ['WHATSAPP_TOKEN']\n", encoding="utf-8")
    probe = (
        "import json, sys\n"
        "from wabaguard.cli import main\n"
        f"rc = main({[*command, str(tmp_path)]!r})\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('wabaguard'))\n"
        "sys.stdout.write('\\n' + json.dumps([rc, loaded]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    rc, loaded = json.loads(proc.stdout.rsplit("\n", 1)[1])
    assert rc == 0
    assert "wabaguard.cli.scan" in loaded  # the probe really ran the scan
    assert "wabaguard.credentials.engine" in loaded
    # The registry reads the network features' rules (pure data); no network code loads.
    network = [m for m in loaded if m.startswith("wabaguard.online")]
    assert set(network) <= {"wabaguard.online", "wabaguard.online.rules"}, network
    others = {"audit", "baseline", "demo", "rules", "plugin_path", "rotation", "history"}
    assert not [m for m in loaded if m.split(".")[-1] in others and m.startswith("wabaguard.cli")]
