"""Scanning an untrusted repository runs none of its code and obeys none of its paths.

Every planted file would create a marker if anything executed or imported it: Python files
Python imports by name (conftest, sitecustomize, setup.py, modules shadowing our
dependencies), shell scripts, hooks, and git configuration that runs programs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from hostile_util import child_env, git

import fakes

SHADOWED = ("yaml", "click", "pathspec", "detect_secrets", "tree_sitter", "tomllib", "json")


def _python_marker(marker: Path, name: str) -> str:
    return f"open({str(marker / name)!r}, 'w').write('ran')\n"


def plant_traps(root: Path, marker: Path) -> None:
    """Files that leave ``marker/<name>`` behind if anything executes them."""
    for name in ("conftest", "sitecustomize", "usercustomize", "setup", "__init__", "__main__"):
        (root / f"{name}.py").write_text(_python_marker(marker, name))
    for name in SHADOWED:  # `python -m wabaguard` puts the working directory on sys.path
        (root / f"{name}.py").write_text(_python_marker(marker, "shadow-" + name))
    (root / "evil.pth").write_text(f"import os; os.makedirs({str(marker / 'pth')!r})\n")
    script = f"#!/bin/sh\ntouch {marker / 'script'}\n"
    for name in ("run.sh", "Makefile", "configure", "gradlew"):
        (root / name).write_text(script)
        (root / name).chmod(0o755)
    (root / "package.json").write_text(
        json.dumps({"scripts": {"postinstall": f"touch {marker / 'npm'}"}})
    )
    wf = root / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - run: touch {marker / 'workflow'}\n"
        f"      - run: $(touch {marker / 'subst'})\n"
        f"      - shell: python\n        run: open({str(marker / 'pyrun')!r}, 'w')\n",
    )
    (root / "key.py").write_text(f'KEY = "{fakes.aws_access_key_id(seed=601)}"\n')


def plant_git_traps(root: Path, marker: Path) -> None:
    """Repository configuration that makes git run programs."""
    hook = root.parent / "git-hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker / 'git'}\n")
    hook.chmod(0o755)
    git(root, "config", "core.fsmonitor", str(hook))
    git(root, "config", "core.hooksPath", str(root.parent))
    git(root, "config", "core.pager", str(hook))
    git(root, "config", "diff.external", str(hook))
    git(root, "config", "filter.trap.clean", str(hook))
    git(root, "config", "filter.trap.smudge", str(hook))
    git(root, "config", "filter.trap.process", str(hook))
    (root / ".gitattributes").write_text("* filter=trap diff=trap\n")
    git(root, "config", "diff.trap.textconv", str(hook))
    for name in ("pre-commit", "post-checkout", "post-index-change", "reference-transaction"):
        (root.parent / name).write_text(hook.read_text())
        (root.parent / name).chmod(0o755)


def _ran(marker: Path) -> list[str]:
    return sorted(p.name for p in marker.iterdir())


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "marker"
    marker.mkdir()
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    plant_traps(root, marker)
    git(root, "add", "-A")
    plant_git_traps(root, marker)
    return root, marker


def _console_script() -> list[str] | None:
    # Next to this interpreter first: the venv running the tests need not be on PATH.
    scripts = sysconfig.get_path("scripts")
    found = shutil.which("wabaguard", path=os.pathsep.join([scripts, os.environ.get("PATH", "")]))
    return [found] if found else None


@pytest.mark.parametrize("command", ["scan", "baseline"])
def test_console_script_runs_nothing_from_the_repo(repo: tuple[Path, Path], command: str) -> None:
    """The entry point pre-commit and CI use: nothing planted runs, git included."""
    root, marker = repo
    script = _console_script()
    base = script if script else [sys.executable, "-P", "-m", "wabaguard"]
    args = ["scan", "--format", "json", "."] if command == "scan" else ["baseline", "b.json"]
    proc = subprocess.run(
        [*base, *args], cwd=root, capture_output=True, text=True, timeout=60, env=child_env()
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert _ran(marker) == []
    if command == "scan":
        doc = json.loads(proc.stdout)
        assert "key.py" in {f["path"] for f in doc["findings"]}  # and it did scan


def test_in_process_scan_runs_nothing(run_cli: Any, repo: tuple[Path, Path]) -> None:
    root, marker = repo
    result = run_cli("scan", "--format", "json", ".", cwd=root)
    assert result.code == 1, result.err
    assert _ran(marker) == []


def test_git_fsmonitor_of_the_scanned_repo_never_runs(git_repo: Path, tmp_path: Path) -> None:
    """`git ls-files` runs core.fsmonitor; the scan switches it off."""
    from wabaguard.cli.scan import run_scan
    from wabaguard.core.config import Config

    marker = tmp_path / "fsmonitor-ran"
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    (git_repo / "a.txt").write_text("x\n")
    git(git_repo, "add", "a.txt")
    git(git_repo, "config", "core.fsmonitor", str(hook))
    # Control: git itself runs it, so the trap is real.
    subprocess.run(["git", "ls-files"], cwd=git_repo, capture_output=True, check=False)
    assert marker.exists()
    marker.unlink()
    result = run_scan(["."], Config(), cwd=str(git_repo))
    assert result.files_scanned == 1
    assert not marker.exists()


def test_python_dash_m_does_not_import_from_the_scanned_directory(
    repo: tuple[Path, Path],
) -> None:
    root, marker = repo
    subprocess.run(
        [sys.executable, "-m", "wabaguard", "scan", "."],
        cwd=root,
        capture_output=True,
        timeout=60,
        env=child_env(),
        check=False,
    )
    assert _ran(marker) == []


@pytest.mark.parametrize(
    "content",
    [
        'output = "/etc/x"\n',
        'report = ["json=/etc/x"]\n',
        'baseline = "/etc/passwd"\n',
        'plugins = ["/tmp/evil.py"]\n',
        'plugin-path = "/tmp"\n',
        'config = "/etc/other.toml"\n',
        '[rules.aws-access-key]\nenabled = true\n[include]\npath = "/etc/x"\n',
    ],
)
def test_repo_config_cannot_name_paths(run_cli: Any, tmp_path: Path, content: str) -> None:
    (tmp_path / ".wabaguard.toml").write_text(content)
    result = run_cli("scan", cwd=tmp_path)
    assert result.code == 2
    assert "unknown key" in result.err


def test_pyproject_section_cannot_name_paths(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.wabaguard]\noutput = "/etc/x"\n')
    result = run_cli("scan", cwd=tmp_path)
    assert result.code == 2
    assert "unknown key(s) output" in result.err


def test_config_has_no_path_valued_keys() -> None:
    """A reminder for whoever adds one: it needs an explicit command-line opt-in."""
    from wabaguard.core.config import _KNOWN_KEYS

    # rotation: names, day counts and dates for `wabaguard rotation`; its `where` is a label.
    keys = {"exclude", "disable", "severity", "fail-on", "max-file-size", "entropy", "rules"}
    keys.add("min-confidence")  # a level, not a path
    assert keys | {"rotation"} >= _KNOWN_KEYS, (
        "new config key: make sure a scanned repository cannot point it outside the tree"
    )


def test_baseline_plugin_paths_are_never_loaded(run_cli: Any, tmp_path: Path) -> None:
    """detect-secrets baselines name custom plugin files; ours never imports them."""
    marker = tmp_path / "plugin-ran"
    evil = tmp_path / "evil_plugin.py"
    evil.write_text(f"open({str(marker)!r}, 'w')\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "key.py").write_text(f'KEY = "{fakes.aws_access_key_id(seed=602)}"\n')
    (root / ".secrets.baseline").write_text(
        json.dumps(
            {
                "version": "1.5.0",
                "plugins_used": [{"name": "Evil", "path": f"file://{evil}"}],
                "filters_used": [{"path": "evil_plugin.x", "path2": f"file://{evil}"}],
                "results": {},
            }
        )
    )
    assert run_cli("scan", "--baseline", ".secrets.baseline", cwd=root).code == 1
    assert run_cli("baseline", ".secrets.baseline", cwd=root).code == 0
    assert not marker.exists()


def test_symlinked_config_outside_the_tree_is_not_followed_for_output(
    run_cli: Any, tmp_path: Path
) -> None:
    """Reports go where the command line says, never where the repository says."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "key.py").write_text(f'KEY = "{fakes.aws_access_key_id(seed=603)}"\n')
    before = set(os.listdir(tmp_path))
    result = run_cli("scan", "--format", "json", cwd=root)
    assert result.code == 1
    assert set(os.listdir(tmp_path)) == before
    assert sorted(os.listdir(root)) == ["key.py"]
