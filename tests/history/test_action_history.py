"""The action on a pull request scans the pull request's commits as well as its files: a
token added and removed again inside the pull request fails the job (steps run as
tests/test_action.py runs them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fakes
from test_action import BASH, GIT, ActionRunner, annotations, git, make_repo, shim

pytestmark = pytest.mark.skipif(BASH is None or GIT is None, reason="needs bash and git")
__all__ = ["shim"]  # the fixture, used by name


@pytest.fixture
def added_and_removed(tmp_path: Path) -> dict[str, Any]:
    """A pull request whose first commit adds a token and whose second removes it: its
    final files are clean. The workspace is a depth-1 checkout of the merge commit."""
    key = fakes.aws_access_key_id(seed=1530)
    src = make_repo(tmp_path / "src", {"app.py": "import os\n", "docs/guide.md": "guide\n"})
    for i in range(40):  # a depth-1 checkout lacks the merge base
        (src / "docs" / "guide.md").write_text(f"guide {i}\n", encoding="utf-8")
        git(src, "commit", "-q", "-am", f"main {i}")
    git(src, "checkout", "-q", "-b", "feature")
    (src / "app.py").write_text(f'import os\nKEY = "{key}"\n', encoding="utf-8")
    git(src, "commit", "-q", "-am", "add a key")
    added = git(src, "rev-parse", "HEAD")
    (src / "app.py").write_text('import os\nKEY = os.environ["KEY"]\n', encoding="utf-8")
    git(src, "commit", "-q", "-am", "use the environment")
    git(src, "checkout", "-q", "main")
    git(src, "merge", "-q", "--no-ff", "feature", "-m", "merge")
    git(src, "update-ref", "refs/pull/1/merge", git(src, "rev-parse", "HEAD"))
    git(src, "reset", "-q", "--hard", "HEAD~1")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", "--mirror", str(src), str(origin))
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    git(workspace, "init", "-q")
    git(workspace, "remote", "add", "origin", origin.as_uri())
    git(workspace, "fetch", "-q", "--no-tags", "--depth=1", "origin",
        "+refs/pull/1/merge:refs/remotes/pull/1/merge")  # fmt: skip
    git(workspace, "checkout", "-q", "--force", "refs/remotes/pull/1/merge")
    return {"workspace": workspace, "key": key, "added": added}


def test_a_token_added_and_removed_in_the_pull_request_fails_it(
    tmp_path: Path, shim: Path | None, added_and_removed: dict[str, Any]
) -> None:
    result = ActionRunner(tmp_path, added_and_removed["workspace"], shim).run(base_ref="main")
    assert result.status == 1, result.stdout + result.stderr
    assert result.outputs["findings"] == "0"  # the final files are clean
    assert result.outputs["history-findings"] == "1"
    [found] = annotations(result.stdout)
    assert found.startswith("::error file=app.py,line=2,")
    assert added_and_removed["added"][:12] in found
    assert "rotate it now" in found
    assert "Commits of this pull request" in result.summary
    assert added_and_removed["key"] not in result.everything()


def test_history_can_be_turned_off(
    tmp_path: Path, shim: Path | None, added_and_removed: dict[str, Any]
) -> None:
    result = ActionRunner(tmp_path, added_and_removed["workspace"], shim).run(
        {"history": "false"}, base_ref="main"
    )
    assert result.status == 0, result.stdout + result.stderr
    assert result.outputs["history-findings"] == ""


def test_outside_a_pull_request_no_history_is_scanned(
    tmp_path: Path, shim: Path | None, added_and_removed: dict[str, Any]
) -> None:
    result = ActionRunner(tmp_path, added_and_removed["workspace"], shim).run(base_ref="")
    assert result.status == 0, result.stdout + result.stderr
    assert "history:" not in result.stdout


def test_a_malformed_history_input_fails_the_job(
    tmp_path: Path, shim: Path | None, added_and_removed: dict[str, Any]
) -> None:
    result = ActionRunner(tmp_path, added_and_removed["workspace"], shim).run(
        {"history": "maybe"}, base_ref="main"
    )
    assert result.status == 2
    assert "history must be true or false" in result.stdout
