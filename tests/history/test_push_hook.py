"""The ``wabaguard-push`` hook as the real pre-commit runs it, on real pushes to a local bare
remote: a branch that adds a token and removes it again is refused; a clean one goes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from history_repos import Repo

import fakes

pytestmark = pytest.mark.slow

PRE_COMMIT = (sys.executable, "-m", "pre_commit")


def _env(tmp_path: Path, offline_pip: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUALENV_"))}
    env.update(offline_pip)  # the hook's venv: dependencies from the local wheelhouse
    env.update(
        {
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            "HOME": str(tmp_path),
            "GIT_CONFIG_NOSYSTEM": "1",
        }
    )
    return env


def _push(project: Repo, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "push", "-q", "origin", *args],
        cwd=project.path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_push_of_commits_adding_a_token_is_refused(
    tmp_path: Path, source_snapshot: Path, offline_pip: dict[str, str]
) -> None:
    remote = Repo(tmp_path / "remote.git", bare=True)
    project = Repo(tmp_path / "project")
    project.git("remote", "add", "origin", str(remote.path))
    rev = project.git("-C", str(source_snapshot), "rev-parse", "HEAD").strip()
    project.write(
        ".pre-commit-config.yaml",
        f"repos:\n- repo: {source_snapshot}\n  rev: {rev}\n  hooks:\n  - id: wabaguard-push\n",
    )
    project.write("app.py", "import os\n")
    project.commit("start")
    env = _env(tmp_path, offline_pip)
    subprocess.run(
        [*PRE_COMMIT, "install", "--hook-type", "pre-push"],
        cwd=project.path,
        env=env,
        check=True,
        capture_output=True,
    )
    first = _push(project, env, "main")  # a first push: every commit the remote lacks
    assert first.returncode == 0, first.stdout + first.stderr

    key = fakes.aws_access_key_id(seed=1520)
    project.write("app.py", f'import os\nKEY = "{key}"\n')
    added = project.commit("add a key", "bob")
    project.write("app.py", 'import os\nKEY = os.environ["KEY"]\n')
    project.commit("use the environment", "carol")
    refused = _push(project, env, "main")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "app.py:2:8: high aws-access-key" in output
    assert f"introduced in commit {added[:12]}" in output
    assert "gone from main, still in history: rotate it now" in output
    assert key not in output
    assert remote.git("rev-parse", "main").strip() != project.head()

    # Rewritten without the key, the branch goes.
    project.git("reset", "-q", "--hard", "HEAD~2")
    project.write("app.py", 'import os\nKEY = os.environ["KEY"]\n')
    project.commit("use the environment", "carol")
    allowed = _push(project, env, "main")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert remote.git("rev-parse", "main").strip() == project.head()

    # A new branch: only its own commits are scanned (main's are on the remote).
    project.git("checkout", "-q", "-b", "topic")
    project.write("b.py", f'K = "{fakes.github_token(seed=1521)}"\n')
    project.commit("topic", "dave")
    topic = _push(project, env, "topic")
    assert topic.returncode != 0
    assert "b.py:1:6: high" in topic.stdout + topic.stderr
