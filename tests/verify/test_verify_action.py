"""The action's opt-in ``verify`` input: ``--verify`` on the file scan and on the pull
request's commit scan (steps run as tests/test_action.py runs them, the issuers faked on
127.0.0.1 through the job's ``WABAGUARD_*_API_URL`` environment)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_issuers import VERSION, FakeIssuers, Reply, graph_error

import fakes
from test_action import BASH, GIT, ActionRunner, annotations, git, make_repo, shim

pytestmark = pytest.mark.skipif(BASH is None or GIT is None, reason="needs bash and git")
__all__ = ["shim"]  # the fixture, used by name


@pytest.fixture
def issuers() -> Iterator[FakeIssuers]:
    with FakeIssuers() as fake:
        yield fake


def _token_repo(tmp_path: Path, token: str) -> Path:
    return make_repo(tmp_path / "repo", {"app.py": f'WHATSAPP_TOKEN = "{token}"\n'})


def test_verify_true_checks_each_credential_found(
    tmp_path: Path, shim: Path | None, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=1801)
    issuers.active(token)
    repo = _token_repo(tmp_path, token)
    result = ActionRunner(tmp_path, repo, shim, extra_env=issuers.env()).run({"verify": "true"})
    assert result.status == 1, result.stdout + result.stderr
    [found] = annotations(result.stdout)
    assert "meta-access-token" in found and "verified active by 127.0.0.1" in found
    assert "verified active by 127.0.0.1" in result.summary
    assert "sending 1 found credential value(s)" in result.stderr  # the consent line, logged
    assert issuers.requests[0].path == f"/{VERSION}/debug_token"
    assert token not in result.everything()
    assert all(token not in s.target for s in issuers.requests)


def test_without_verify_nothing_is_sent(
    tmp_path: Path, shim: Path | None, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=1802)
    issuers.active(token)
    repo = _token_repo(tmp_path, token)
    result = ActionRunner(tmp_path, repo, shim, extra_env=issuers.env()).run()
    assert result.status == 1
    assert "verified" not in result.stdout + result.summary
    assert issuers.requests == []


def _pull_request_adding_and_removing(tmp_path: Path, token: str) -> Path:
    """A pull request whose first commit adds the token and whose second removes it (a
    depth-1 checkout of its merge commit, as actions/checkout makes)."""
    src = make_repo(tmp_path / "src", {"app.py": "import os\n"})
    git(src, "checkout", "-q", "-b", "feature")
    (src / "app.py").write_text(f'import os\nWHATSAPP_TOKEN = "{token}"\n', encoding="utf-8")
    git(src, "commit", "-q", "-am", "add a token")
    (src / "app.py").write_text('import os\nWHATSAPP_TOKEN = os.environ["T"]\n', encoding="utf-8")
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
    return workspace


def test_verify_reaches_the_pull_requests_commit_scan(
    tmp_path: Path, shim: Path | None, issuers: FakeIssuers
) -> None:
    token = fakes.meta_token(seed=1803)
    expired = graph_error(190, "Error validating access token: Session has expired", 463)
    issuers.token_errors[token] = Reply(400, expired)
    workspace = _pull_request_adding_and_removing(tmp_path, token)
    runner = ActionRunner(tmp_path, workspace, shim, extra_env=issuers.env())
    result = runner.run({"verify": "true"}, base_ref="main")
    assert result.status == 1, result.stdout + result.stderr
    assert result.outputs["findings"] == "0" and result.outputs["history-findings"] == "1"
    [found] = annotations(result.stdout)
    assert "verified invalid by 127.0.0.1" in found  # the deleted token, checked live
    assert len(issuers.seen(f"/{VERSION}/debug_token")) == 1
    assert token not in result.everything()
