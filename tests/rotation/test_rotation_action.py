"""The Action's ``rotation: true``, run the way tests/test_action.py runs action steps (bash,
the step's env, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files), against a local GitHub."""

from __future__ import annotations

import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from rotation.fake_github import FakeGitHub, Listing, ago, secret
from test_action import ACTION, ActionRunner, Run, annotations, make_repo


@pytest.fixture(scope="module")
def shim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The install step's output: this checkout's wabaguard (as tests/test_action.py does)."""
    path = tmp_path_factory.mktemp("bin") / "wabaguard"
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m wabaguard "$@"\n', encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


REPO = "acme/app"


@pytest.fixture
def github(token: str) -> Iterator[FakeGitHub]:
    with FakeGitHub(token) as fake:
        fake.repository(REPO)
        fake.secrets(
            f"/repos/{REPO}/actions/secrets",
            secret("WHATSAPP_TOKEN", ago(300)),
            secret("META_APP_SECRET", ago(3)),
        )
        fake.environments(REPO)
        fake.secrets(f"/repos/{REPO}/actions/organization-secrets")
        fake.secrets(f"/repos/{REPO}/dependabot/secrets")
        yield fake


def run_action(tmp_path: Path, shim: Path, github: FakeGitHub, **inputs: str) -> Run:
    repo = make_repo(tmp_path / "repo", {"README.md": "hello\n"})
    context = {"repository": REPO, "api_url": github.url}
    return ActionRunner(tmp_path, repo, shim).run(inputs, github_context=context)


def test_rotation_reports_stale_credentials_and_fails_the_job(
    tmp_path: Path, shim: Path, github: FakeGitHub, token: str
) -> None:
    result = run_action(tmp_path, shim, github, **{"rotation": "true", "rotation-token": token})
    assert result.status == 1, result.stdout + result.stderr
    assert result.ran == ["venv", "changed", "rotation", "history", "scan", "rotation-result"]
    found = annotations(result.stdout)
    assert len(found) == 1
    assert found[0].startswith(
        "::warning title=wabaguard stale-credential (medium; high confidence)::"
        "acme/app: repo: WHATSAPP_TOKEN: "
    )
    assert result.outputs["stale-credentials"] == "1"
    assert result.outputs["findings"] == "0"  # the scan ran too, and was clean
    assert "## wabaguard rotation" in result.summary
    assert "`acme/app: repo: WHATSAPP_TOKEN`" in result.summary
    assert "1 credential(s) due for rotation" in result.stdout
    # The token reached GitHub in the Authorization header and nowhere else.
    assert github.requests
    assert all(s.headers["Authorization"] == f"Bearer {token}" for s in github.requests)
    assert token not in result.everything()


def test_fail_on_medium_lets_a_warning_pass(
    tmp_path: Path, shim: Path, github: FakeGitHub, token: str
) -> None:
    github.routes[f"/repos/{REPO}/actions/secrets"] = Listing(
        "secrets", [secret("WHATSAPP_TOKEN", ago(85))]
    )
    result = run_action(
        tmp_path,
        shim,
        github,
        **{"rotation": "true", "rotation-token": token, "fail-on": "medium"},
    )
    assert result.status == 0, result.stdout + result.stderr
    assert result.outputs["stale-credentials"] == "1"
    assert "::notice title=wabaguard stale-credential (low; high confidence)::" in result.stdout


def test_without_a_token_the_step_explains_and_fails(
    tmp_path: Path, shim: Path, github: FakeGitHub
) -> None:
    result = run_action(tmp_path, shim, github, rotation="true")
    assert result.status == 2
    assert "no GitHub token" in result.stderr
    assert "cannot list secrets" in result.stderr
    assert "scan" not in result.ran
    assert github.requests == []


def test_a_workflow_token_without_the_permission_is_a_clear_error(
    tmp_path: Path, shim: Path, github: FakeGitHub
) -> None:
    result = run_action(
        tmp_path, shim, github, **{"rotation": "true", "rotation-token": "ghs_workflowtoken"}
    )
    assert result.status == 2
    rejected = "401 Unauthorized: GitHub rejected the token in WABAGUARD_GITHUB_TOKEN"
    assert rejected in result.stderr


def test_off_by_default(tmp_path: Path, shim: Path, github: FakeGitHub) -> None:
    result = run_action(tmp_path, shim, github)
    assert result.status == 0
    assert result.outputs["stale-credentials"] == ""
    assert github.requests == []


def test_a_malformed_rotation_input_is_a_usage_error(
    tmp_path: Path, shim: Path, github: FakeGitHub
) -> None:
    result = run_action(tmp_path, shim, github, rotation="yes")
    assert result.status == 2
    assert "::error title=wabaguard::rotation must be true or false" in result.stdout


def test_the_token_reaches_the_step_through_env_only() -> None:
    steps = yaml.safe_load(ACTION.read_text(encoding="utf-8"))["runs"]["steps"]
    (step,) = [s for s in steps if s.get("id") == "rotation"]
    assert step["env"]["ROTATION_TOKEN"] == "${{ inputs.rotation-token }}"
    assert "${{" not in step["run"]
    assert "rotation-token" not in step["run"]
    assert "--token" not in step["run"]
