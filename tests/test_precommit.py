"""The hook as pre-commit really runs it: a commit blocked by a credential, allowed without it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import fakes
from conftest import REPO, git

pytestmark = pytest.mark.slow


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            # Build the hook's virtualenv from what is installed here: no package index needed.
            "VIRTUALENV_SYSTEM_SITE_PACKAGES": "1",
            "PIP_NO_INDEX": "1",
            "PIP_NO_BUILD_ISOLATION": "0",
            "HOME": str(tmp_path),
            "GIT_CONFIG_NOSYSTEM": "1",
        }
    )
    env.pop("NO_COLOR", None)
    return env


@pytest.fixture
def hook_repo(tmp_path: Path) -> Path:
    """A snapshot of this repository (with uncommitted work) that pre-commit can clone."""
    if shutil.which("pre-commit") is None:
        pytest.fail("pre-commit is a test dependency: pip install -e '.[test]'")
    snap = tmp_path / "wabaguard-snapshot"
    ignore = shutil.ignore_patterns(
        ".git",
        "*.egg-info",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
        "benchmarks",
        "tests",
        "build",
    )
    shutil.copytree(REPO, snap, ignore=ignore)
    git(snap, "init", "-q")
    git(snap, "add", "-A")
    git(snap, "commit", "-q", "-m", "snapshot")
    return snap


def test_commit_blocked_then_allowed(tmp_path: Path, hook_repo: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    rev = git(hook_repo, "rev-parse", "HEAD").strip()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n  hooks:\n  - id: wabaguard\n"
    )
    env = _env(tmp_path)
    subprocess.run(["pre-commit", "install"], cwd=project, env=env, check=True, capture_output=True)
    key = fakes.aws_access_key_id(seed=31)
    (project / "settings.py").write_text(f'AWS_KEY = "{key}"\n')
    git(project, "add", "-A")
    blocked = subprocess.run(
        ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-m", "x"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    output = blocked.stdout + blocked.stderr
    assert "wabaguard" in output
    assert "settings.py:1:12: high aws-access-key" in output
    assert key not in output

    (project / "settings.py").write_text('import os\nAWS_KEY = os.environ["AWS_KEY"]\n')
    git(project, "add", "-A")
    allowed = subprocess.run(
        ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-m", "x"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "wabaguard....." in allowed.stdout + allowed.stderr
    assert "Passed" in allowed.stdout + allowed.stderr


def test_workflows_hook_only_sees_workflows(tmp_path: Path, hook_repo: Path) -> None:
    project = tmp_path / "project"
    (project / ".github" / "workflows").mkdir(parents=True)
    git(project, "init", "-q")
    key = fakes.aws_access_key_id(seed=32)
    (project / "settings.py").write_text(f'AWS_KEY = "{key}"\n')
    (project / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - run: echo hi\n        env:\n          AWS_KEY: {key}\n"
    )
    git(project, "add", "-A")
    result = subprocess.run(
        ["pre-commit", "try-repo", str(hook_repo), "wabaguard-workflows", "--all-files"],
        cwd=project,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert ".github/workflows/ci.yml:8:" in output
    assert "settings.py" not in output.split("hooks:")[-1]
    assert key not in output
