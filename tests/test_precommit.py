"""The hook as pre-commit really runs it: a commit blocked by a credential, allowed without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import fakes
from conftest import git

pytestmark = pytest.mark.slow


PRE_COMMIT = (sys.executable, "-m", "pre_commit")


def _env(tmp_path: Path, offline_pip: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("PIP_", "VIRTUALENV_")):
            del env[name]  # this machine's pip settings are not the test's
    env.update(offline_pip)  # the hook's own venv: dependencies from the local wheelhouse
    env.update(
        {
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            "HOME": str(tmp_path),
            "GIT_CONFIG_NOSYSTEM": "1",
        }
    )
    env.pop("NO_COLOR", None)
    return env


@pytest.fixture
def hook_repo(source_snapshot: Path) -> Path:
    """A committed snapshot of this repository (with uncommitted work) that pre-commit clones."""
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.fail("pre-commit is a test dependency: pip install -e '.[test]'")
    return source_snapshot


def test_commit_blocked_then_allowed(
    tmp_path: Path, hook_repo: Path, offline_pip: dict[str, str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    rev = git(hook_repo, "rev-parse", "HEAD").strip()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n  hooks:\n  - id: wabaguard\n"
    )
    env = _env(tmp_path, offline_pip)
    subprocess.run([*PRE_COMMIT, "install"], cwd=project, env=env, check=True, capture_output=True)
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
    output = allowed.stdout + allowed.stderr
    assert allowed.returncode == 0, output
    assert "wabaguard" in output  # the hook ran (its name is ours, the rest is pre-commit's)
    assert git(project, "rev-list", "--count", "HEAD").strip() == "1"


def test_workflows_hook_only_sees_workflows(
    tmp_path: Path, hook_repo: Path, offline_pip: dict[str, str]
) -> None:
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
        [*PRE_COMMIT, "try-repo", str(hook_repo), "wabaguard-workflows", "--all-files"],
        cwd=project,
        env=_env(tmp_path, offline_pip),
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert ".github/workflows/ci.yml:8:" in output
    assert "settings.py" not in output.split("hooks:")[-1]
    assert key not in output
