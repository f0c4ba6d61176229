"""The GitHub Action (``action.yml``), run locally the way the runner runs it.

GitHub is not reachable from the test environment, so these tests do what can honestly be
done here: read ``action.yml``, and run each of its ``run:`` steps with
``bash --noprofile --norc -eo pipefail`` (the runner's ``shell: bash``), with the step's
``env:`` after a small evaluator has resolved the few expression forms the action uses, and
with ``GITHUB_ACTION_PATH``, ``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``, ``GITHUB_ENV``,
``GITHUB_WORKSPACE`` and ``RUNNER_TEMP`` pointing at this checkout, temp files and a temp
git repository. Then they check what a user would see: annotations on stdout, the job
summary, the step outputs, the SARIF file and the exit status.

What is not run here:

* steps that ``uses:`` another action (setup-python, cache restore/save): they need GitHub.
  Their outputs that later steps read are supplied below (``USES_OUTPUTS``);
* the pip install step, when ``wabaguard`` is already importable (it is, in this test suite:
  the package is installed from this checkout). Its one output, the wabaguard executable,
  is then a shim running this interpreter's ``python -m wabaguard``. If wabaguard is not
  importable, the step runs for real. One ``slow`` test always runs it for real, from a copy
  of this checkout, with pip pointed at a local wheelhouse of the dependencies (no index).

The CI workflow's ``action`` jobs run the real thing on GitHub's Linux, macOS and Windows
runners.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

import fakes
from sarif_check import assert_valid_sarif

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
WORKFLOWS = ROOT / ".github" / "workflows"
DOCS = ROOT / "docs" / "github-action.md"

BASH = shutil.which("bash")
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(BASH is None or GIT is None, reason="needs bash and git")

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
STEP_OUTPUT = re.compile(r"^steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)$")
PINNED_USES = re.compile(r"^\s*(?:-\s+)?uses:\s+([^\s#]+)@([0-9a-f]{40})\s+#\s+v\d+(?:\.\d+)*\s*$")

# Outputs of the steps that `uses:` other actions and so cannot run here.
USES_OUTPUTS: dict[str, dict[str, str]] = {
    "python": {"python-path": sys.executable},
    "cache": {"cache-hit": "false"},
}


def load_action() -> dict[str, Any]:
    with ACTION.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def action_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = load_action()["runs"]["steps"]
    return steps


def load_workflows() -> dict[Path, dict[str, Any]]:
    out = {}
    for path in sorted(WORKFLOWS.glob("*.y*ml")):
        with path.open(encoding="utf-8") as fh:
            out[path] = yaml.safe_load(fh)
    return out


# --------------------------------------------------------------------------------------
# The runner, in miniature


def parse_output_file(text: str) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as the runner reads them."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            while lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            i += 1
            out[name] = "\n".join(value)
        else:
            name, value_ = line.split("=", 1)
            out[name] = value_
    return out


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str
    summary: str
    env_file: str
    steps: dict[str, dict[str, str]]
    outputs: dict[str, str]
    ran: list[str] = field(default_factory=list)

    def everything(self) -> str:
        """All text the run left behind, for leak checks."""
        parts = [self.stdout, self.stderr, self.summary, self.env_file]
        parts += [f"{k}={v}" for s in self.steps.values() for k, v in s.items()]
        return "\n".join(parts)


class ActionRunner:
    """Runs action.yml's ``run:`` steps in order, like the runner's composite handler."""

    def __init__(
        self,
        tmp: Path,
        workspace: Path,
        wabaguard_shim: Path | None,
        action_path: Path = ROOT,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.tmp = tmp
        self.extra_env = dict(extra_env or {})
        self.action_path = action_path
        self.workspace = workspace
        self.shim = wabaguard_shim
        self.runner_temp = tmp / "runner-temp"
        self.runner_temp.mkdir(exist_ok=True)
        self.summary = tmp / "step_summary.md"
        self.github_env = tmp / "github_env"
        for f in (self.summary, self.github_env):
            f.write_text("", encoding="utf-8")

    def evaluate(
        self,
        text: str,
        inputs: Mapping[str, str],
        github: Mapping[str, str],
        steps: Mapping[str, Mapping[str, str]],
    ) -> str:
        def one(match: re.Match[str]) -> str:
            expr = match.group(1)
            if expr.startswith("inputs."):
                return inputs[expr.removeprefix("inputs.")]
            if expr.startswith("github."):
                return github[expr.removeprefix("github.")]
            step = STEP_OUTPUT.match(expr)
            if step:
                return steps.get(step.group(1), {}).get(step.group(2), "")
            raise AssertionError(f"the test's evaluator does not know {expr!r}; extend it")

        return EXPRESSION.sub(one, text)

    def run(
        self,
        with_: Mapping[str, str] | None = None,
        base_ref: str = "",
        stop_after: str | None = None,
        github_context: Mapping[str, str] | None = None,
    ) -> Run:
        action = load_action()
        inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
        unknown = set(with_ or {}) - set(inputs)
        assert not unknown, f"not inputs of action.yml: {unknown}"
        inputs.update(with_ or {})
        github = {"action_path": str(self.action_path), "base_ref": base_ref}
        github |= {"repository": "acme/app", "api_url": "https://api.github.com"}
        github |= github_context or {}
        steps: dict[str, dict[str, str]] = {}
        stdout, stderr, ran = [], [], []
        status = 0
        for index, step in enumerate(action["runs"]["steps"]):
            sid = step.get("id", f"__{index}")
            if "uses" in step:
                steps[sid] = dict(USES_OUTPUTS.get(sid, {}))
                continue
            if sid == "install" and self.shim is not None:
                # wabaguard is importable: skip pip, point at this interpreter's wabaguard.
                steps[sid] = {"wabaguard": str(self.shim)}
                continue
            assert "if" not in step, "the test's runner does not evaluate `if:` on run steps"
            assert step.get("shell") == "bash"
            output_file = self.tmp / f"output-{index}"
            output_file.write_text("", encoding="utf-8")
            env = {
                k: os.environ[k]
                for k in ("PATH", "HOME", "LANG", "SYSTEMROOT", "PYTHONPATH", "TMPDIR")
                if k in os.environ
            }
            env.update(self.extra_env)
            env.update(
                {
                    "CI": "true",
                    "GITHUB_ACTIONS": "true",
                    "GITHUB_ACTION_PATH": str(self.action_path),
                    "GITHUB_WORKSPACE": str(self.workspace),
                    "GITHUB_OUTPUT": str(output_file),
                    "GITHUB_STEP_SUMMARY": str(self.summary),
                    "GITHUB_ENV": str(self.github_env),
                    "RUNNER_TEMP": str(self.runner_temp),
                    "RUNNER_OS": {"win32": "Windows", "darwin": "macOS"}.get(sys.platform, "Linux"),
                }
            )
            for name, value in (step.get("env") or {}).items():
                env[name] = self.evaluate(str(value), inputs, github, steps)
            script = self.tmp / f"step-{index}.sh"
            script.write_text(step["run"], encoding="utf-8")
            proc = subprocess.run(
                [BASH, "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                # Hang guard only: the slowest step (a real venv + pip install) takes ~10 s.
                timeout=180,
            )
            ran.append(sid)
            stdout.append(proc.stdout)
            stderr.append(proc.stderr)
            steps[sid] = parse_output_file(output_file.read_text(encoding="utf-8"))
            if proc.returncode != 0:
                status = proc.returncode
                break  # later steps have no `if: always()`: the runner skips them
            if sid == stop_after:
                break
        outputs = {
            name: self.evaluate(str(spec["value"]), inputs, github, steps)
            for name, spec in action["outputs"].items()
        }
        return Run(
            status,
            "".join(stdout),
            "".join(stderr),
            self.summary.read_text(encoding="utf-8"),
            self.github_env.read_text(encoding="utf-8"),
            steps,
            outputs,
            ran,
        )


# --------------------------------------------------------------------------------------
# Fixtures: throwaway repositories


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        [
            GIT or "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def make_repo(path: Path, files: Mapping[str, str]) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return path


def python_with_key(key: str) -> str:
    return f'AWS_ACCESS_KEY_ID = "{key}"\n'


@pytest.fixture(scope="module")
def shim(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    try:
        import wabaguard
    except ImportError:
        return None
    assert Path(wabaguard.__file__).resolve().is_relative_to(ROOT / "src"), (
        "the wabaguard under test must be this checkout's"
    )
    path = tmp_path_factory.mktemp("bin") / "wabaguard"
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m wabaguard "$@"\n', encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def secret() -> str:
    return fakes.aws_access_key_id()


def annotations(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if re.match(r"::(error|warning|notice) ", line)]


# --------------------------------------------------------------------------------------
# Running the action


def test_repository_with_a_finding(tmp_path: Path, shim: Path | None, secret: str) -> None:
    repo = make_repo(
        tmp_path / "repo", {"app/settings.py": python_with_key(secret), "README.md": "hello\n"}
    )
    result = ActionRunner(tmp_path, repo, shim).run({"sarif-file": "wabaguard.sarif"})

    assert result.status == 1, result.stderr
    if shim is not None:
        assert result.ran == ["venv", "changed", "rotation", "history", "scan"]
    found = annotations(result.stdout)
    assert len(found) == 1, result.stdout
    assert found[0].startswith("::error file=app/settings.py,line=1,")
    assert "aws-access-key" in found[0]

    assert result.steps["scan"]["findings"] == "1"
    assert result.outputs == {
        "findings": "1",
        "sarif-file": "wabaguard.sarif",
        "stale-credentials": "",
        "history-findings": "",
    }

    assert result.summary.startswith("## wabaguard")
    assert "**1 finding**" in result.summary
    assert "### [aws-access-key](" in result.summary
    assert "docs/rules/aws-access-key.md" in result.summary
    assert "`app/settings.py:1:" in result.summary

    sarif = assert_valid_sarif(repo / "wabaguard.sarif")
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["aws-access-key"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app/settings.py"
    assert location["region"]["startLine"] == 1

    sarif_text = (repo / "wabaguard.sarif").read_text(encoding="utf-8")
    for text in (result.everything(), sarif_text):
        assert secret not in text
        assert secret[4:] not in text  # nor its random part alone
    assert result.env_file == ""  # the action exports nothing into the caller's job


def test_repository_without_findings(tmp_path: Path, shim: Path | None) -> None:
    repo = make_repo(tmp_path / "repo", {"app/settings.py": 'REGION = "eu-west-1"\n'})
    result = ActionRunner(tmp_path, repo, shim).run({"sarif-file": "out/wabaguard.sarif"})

    assert result.status == 0, result.stdout + result.stderr
    assert annotations(result.stdout) == []
    assert result.outputs == {
        "findings": "0",
        "sarif-file": "out/wabaguard.sarif",
        "stale-credentials": "",
        "history-findings": "",
    }
    assert "No findings" in result.summary
    sarif = assert_valid_sarif(repo / "out" / "wabaguard.sarif")
    assert sarif["runs"][0]["results"] == []


def test_fail_on_critical_lets_a_high_finding_pass(
    tmp_path: Path, shim: Path | None, secret: str
) -> None:
    repo = make_repo(tmp_path / "repo", {"settings.py": python_with_key(secret)})
    result = ActionRunner(tmp_path, repo, shim).run({"fail-on": "critical"})

    assert result.status == 0, result.stdout + result.stderr
    assert result.outputs == {
        "findings": "1",
        "sarif-file": "",
        "stale-credentials": "",
        "history-findings": "",
    }  # still reported
    assert len(annotations(result.stdout)) == 1
    assert not (repo / "wabaguard.sarif").exists()
    assert secret not in result.everything()


def test_annotations_and_summary_can_be_turned_off(
    tmp_path: Path, shim: Path | None, secret: str
) -> None:
    repo = make_repo(tmp_path / "repo", {"settings.py": python_with_key(secret)})
    result = ActionRunner(tmp_path, repo, shim).run({"annotations": "false", "summary": "False"})

    assert result.status == 1
    assert annotations(result.stdout) == []
    assert "settings.py" in result.stdout  # the plain text report instead
    assert result.summary == ""
    assert result.outputs["findings"] == "1"
    assert secret not in result.everything()


@pytest.mark.parametrize(
    "name", ["annotations", "summary", "only-changed", "fail-on-error", "verify"]
)
def test_a_malformed_boolean_input_is_a_usage_error(
    tmp_path: Path, shim: Path | None, name: str
) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    result = ActionRunner(tmp_path, repo, shim).run({name: "yes please"})
    assert result.status == 2
    assert f"::error title=wabaguard::{name} must be true or false" in result.stdout


def test_fail_on_defaults_to_the_configs(tmp_path: Path, shim: Path | None, secret: str) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {"settings.py": python_with_key(secret), ".wabaguard.toml": 'fail-on = "critical"\n'},
    )
    runner = ActionRunner(tmp_path, repo, shim)
    deferred = runner.run()
    assert deferred.status == 0, deferred.stdout + deferred.stderr  # high < critical
    assert deferred.outputs["findings"] == "1"
    assert len(annotations(deferred.stdout)) == 1
    explicit = runner.run({"fail-on": "high"})
    assert explicit.status == 1
    assert "wabaguard: 1 finding; failing at high" in explicit.stdout


def test_config_is_found_from_the_path_input_upward(
    tmp_path: Path, shim: Path | None, secret: str
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "services/api/settings.py": python_with_key(secret),
            "services/api/.wabaguard.toml": 'disable = ["aws-access-key"]\n',
            "services/web/settings.py": python_with_key(secret),
            ".wabaguard.toml": 'exclude = ["/services/web/"]\n',
        },
    )
    runner = ActionRunner(tmp_path, repo, shim)
    api = runner.run({"path": "services/api"})
    assert (api.status, api.outputs["findings"]) == (0, "0"), api.stdout + api.stderr
    web = runner.run({"path": "services/web"})  # the root's config, its exclude from the root
    assert (web.status, web.outputs["findings"]) == (0, "0"), web.stdout + web.stderr
    # One config per run, never merged: above services/api, its own config does not apply.
    everything = runner.run({"path": "services"})
    assert everything.outputs["findings"] == "1"
    assert secret not in api.everything() + web.everything()


def test_a_workflow_that_cannot_be_analysed_fails_the_step(
    tmp_path: Path, shim: Path | None
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {".github/workflows/broken.yml": "on: push\njobs: [unclosed\n", "a.txt": "a\n"},
    )
    runner = ActionRunner(tmp_path, repo, shim)
    result = runner.run({"sarif-file": "wabaguard.sarif"})
    assert result.status == 2, result.stdout + result.stderr
    assert result.outputs["findings"] == "0"  # the scan ran: it has a count
    note, summary = annotations(result.stdout)
    assert note.startswith("::error file=.github/workflows/broken.yml,")
    assert summary.startswith("::error title=wabaguard::1 file could not be analysed")
    assert "could not be fully analysed" in result.summary
    sarif = assert_valid_sarif(repo / "wabaguard.sarif")
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False
    relaxed = runner.run({"fail-on-error": "false"})
    assert relaxed.status == 0, relaxed.stdout + relaxed.stderr
    assert annotations(relaxed.stdout) == [note]  # still reported


def test_a_path_that_does_not_exist_fails_the_step(tmp_path: Path, shim: Path | None) -> None:
    repo = make_repo(tmp_path / "repo", {"src/a.py": "x = 1\n"})
    result = ActionRunner(tmp_path, repo, shim).run({"path": "scr"})
    assert result.status == 2
    assert result.outputs["findings"] == ""
    assert "cannot scan scr: no such file or directory" in result.stderr
    assert "usage or configuration error" in result.stdout


def test_path_input_is_never_read_as_an_option(
    tmp_path: Path, shim: Path | None, secret: str
) -> None:
    repo = make_repo(tmp_path / "repo", {"--help": python_with_key(secret)})
    result = ActionRunner(tmp_path, repo, shim).run({"path": "--help"})
    assert "Usage:" not in result.stdout
    assert result.outputs["findings"] == "1"


@pytest.mark.slow
def test_install_step_installs_the_actions_own_code(
    tmp_path: Path, secret: str, offline_pip: dict[str, str]
) -> None:
    """The full sequence, pip included, from a copy of this checkout as the action path."""
    action_path = tmp_path / "action"
    shutil.copytree(
        ROOT / "src",
        action_path / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, action_path / name)
    repo = make_repo(tmp_path / "repo", {"settings.py": python_with_key(secret)})
    runner = ActionRunner(tmp_path, repo, None, action_path, extra_env=offline_pip)

    first = runner.run()
    assert first.ran == ["venv", "install", "changed", "rotation", "history", "scan"], (
        first.stdout + first.stderr
    )
    exe = Path(first.steps["install"]["wabaguard"])
    venv = Path(first.steps["venv"]["dir"])
    assert venv.parent == runner.runner_temp and venv.name.startswith("wabaguard-venv-")
    assert exe.is_relative_to(venv) and exe.is_file()
    assert first.status == 1 and first.outputs["findings"] == "1"

    second = runner.run()  # a restored cache: the venv is there, nothing is installed
    assert "Using the cached wabaguard environment." in second.stdout
    assert second.status == 1 and second.outputs["findings"] == "1"
    assert secret not in first.everything() + second.everything()

    # The cache key and the venv's name cover the action's code: change it, both change.
    init = action_path / "src" / "wabaguard" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    third = runner.run(stop_after="venv")
    assert third.ran == ["venv"]
    assert third.steps["venv"]["key"] != first.steps["venv"]["key"]
    assert third.steps["venv"]["dir"] != first.steps["venv"]["dir"]


# --------------------------------------------------------------------------------------
# only-changed, against a real base branch


@pytest.fixture
def pull_request(tmp_path: Path, secret: str) -> dict[str, Any]:
    """An origin with `main` and a PR merge ref; a shallow checkout of the merge commit.

    `main` already holds an old secret; the PR adds a new one, edits a clean file and
    deletes another. The workspace is set up as actions/checkout does for pull_request
    events: `git init`, `fetch --depth=1` of the merge commit, `checkout`.
    """
    old_secret = fakes.aws_access_key_id(seed=11)
    src = make_repo(
        tmp_path / "src",
        {
            "legacy/old.py": python_with_key(old_secret),
            "docs/guide.md": "guide\n",
            "gone.txt": "soon deleted\n",
        },
    )
    for i in range(40):  # enough history that a depth-1 checkout lacks the merge base
        (src / "docs" / "guide.md").write_text(f"guide {i}\n", encoding="utf-8")
        git(src, "commit", "-q", "-am", f"main {i}")
    git(src, "checkout", "-q", "-b", "feature")
    (src / "new").mkdir()
    (src / "new" / "client.py").write_text(python_with_key(secret), encoding="utf-8")
    (src / "docs" / "guide.md").write_text("guide, edited\n", encoding="utf-8")
    git(src, "rm", "-q", "gone.txt")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "feature")
    git(src, "checkout", "-q", "main")
    (src / "main-only.txt").write_text("main moved on\n", encoding="utf-8")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "main moves on")
    git(src, "merge", "-q", "--no-ff", "feature", "-m", "merge")
    merge = git(src, "rev-parse", "HEAD")
    git(src, "update-ref", "refs/pull/1/merge", merge)
    git(src, "reset", "-q", "--hard", "HEAD~1")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", "--mirror", str(src), str(origin))

    workspace = tmp_path / "workspace"
    workspace.mkdir()
    git(workspace, "init", "-q")
    git(workspace, "remote", "add", "origin", origin.as_uri())
    git(
        workspace,
        "fetch",
        "-q",
        "--no-tags",
        "--depth=1",
        "origin",
        "+refs/pull/1/merge:refs/remotes/pull/1/merge",
    )
    git(workspace, "checkout", "-q", "--force", "refs/remotes/pull/1/merge")
    assert git(workspace, "rev-parse", "--is-shallow-repository") == "true"
    return {"workspace": workspace, "old_secret": old_secret}


def test_only_changed_scans_the_pull_requests_files(
    tmp_path: Path, shim: Path | None, secret: str, pull_request: dict[str, Any]
) -> None:
    result = ActionRunner(tmp_path, pull_request["workspace"], shim).run(
        {"only-changed": "true", "sarif-file": "wabaguard.sarif"}, base_ref="main"
    )

    assert result.status == 1, result.stdout + result.stderr
    assert "::warning" not in result.stdout
    listed = Path(result.steps["changed"]["files-from"]).read_text(encoding="utf-8").split()
    assert sorted(listed) == ["docs/guide.md", "new/client.py"]
    found = annotations(result.stdout)
    assert len(found) == 1 and found[0].startswith("::error file=new/client.py,")
    assert result.outputs["findings"] == "1"
    sarif = assert_valid_sarif(pull_request["workspace"] / "wabaguard.sarif")
    assert len(sarif["runs"][0]["results"]) == 1
    everything = result.everything()
    assert secret not in everything and pull_request["old_secret"] not in everything


def test_only_changed_with_path_limits_the_diff(
    tmp_path: Path, shim: Path | None, pull_request: dict[str, Any]
) -> None:
    result = ActionRunner(tmp_path, pull_request["workspace"], shim).run(
        {"only-changed": "true", "path": "docs"}, base_ref="main"
    )
    assert result.status == 0, result.stdout + result.stderr
    listed = Path(result.steps["changed"]["files-from"]).read_text(encoding="utf-8").split()
    assert listed == ["docs/guide.md"]
    assert result.outputs["findings"] == "0"


def test_without_only_changed_the_whole_checkout_is_scanned(
    tmp_path: Path, shim: Path | None, pull_request: dict[str, Any]
) -> None:
    result = ActionRunner(tmp_path, pull_request["workspace"], shim).run(base_ref="main")
    assert result.status == 1
    assert result.outputs["findings"] == "2"
    assert "files-from" not in result.steps["changed"]


def test_only_changed_outside_a_pull_request_scans_everything(
    tmp_path: Path, shim: Path | None, pull_request: dict[str, Any]
) -> None:
    result = ActionRunner(tmp_path, pull_request["workspace"], shim).run(
        {"only-changed": "true"}, base_ref=""
    )
    assert "::warning title=wabaguard::only-changed: not a pull request" in result.stdout
    assert result.outputs["findings"] == "2"


# --------------------------------------------------------------------------------------
# The action and the workflows practise what wabaguard preaches


def test_no_expressions_inside_run_scripts() -> None:
    scripts = [("action.yml", s["run"]) for s in action_steps() if "run" in s]
    for path, workflow in load_workflows().items():
        for job in workflow["jobs"].values():
            scripts += [(path.name, s["run"]) for s in job.get("steps", []) if "run" in s]
    assert len(scripts) >= 5
    for where, script in scripts:
        assert "${{" not in script, f"{where}: pass values through env:, not ${{{{ }}}}"
        assert not re.search(r"(^|\s)set\s+-[a-z]*x|bash\s+-x", script), where


def test_action_steps_are_bash_or_pinned_actions() -> None:
    for step in action_steps():
        assert step.get("name"), step
        if "run" in step:
            assert step["shell"] == "bash"
        else:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_third_party_actions_are_pinned_by_commit_with_a_version_comment() -> None:
    files = [ACTION, *sorted(WORKFLOWS.glob("*.y*ml"))]
    remote = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"^\s*(-\s+)?uses:", line) and "$/" not in line and "./" not in line:
                assert PINNED_USES.match(line), f"{path.name}: {line.strip()}"
                remote += 1
    assert remote >= 4


# Jobs that must write, and what: the release job creates and moves tags.
WRITING_JOBS = {("release.yml", "tag"): {"contents": "write"}}


def test_workflow_permissions_are_minimal() -> None:
    workflows = load_workflows()
    assert {path.name for path in workflows} >= {"ci.yml", "release.yml"}
    for path, workflow in workflows.items():
        assert workflow.get("permissions") == {}, f"{path.name}: top-level permissions: {{}}"
        for name, job in workflow["jobs"].items():
            perms = job.get("permissions")
            assert perms is not None, f"{path.name}:{name} declares its permissions"
            uploads = any("upload-sarif" in s.get("uses", "") for s in job.get("steps", []))
            expected = dict(WRITING_JOBS.get((path.name, name), {"contents": "read"}))
            if uploads:
                expected["security-events"] = "write"
            assert perms == expected, f"{path.name}:{name}"
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False


def test_ci_dogfoods_the_action_and_uploads_its_sarif() -> None:
    jobs = load_workflows()[WORKFLOWS / "ci.yml"]["jobs"]
    ours = [
        (name, step)
        for name, job in jobs.items()
        for step in job["steps"]
        if step.get("uses") in ("$/", "./")
    ]
    assert ours
    sarif_jobs = [name for name, step in ours if step.get("with", {}).get("sarif-file")]
    assert sarif_jobs
    for name in sarif_jobs:
        assert any("upload-sarif" in s.get("uses", "") for s in jobs[name]["steps"])
    assert any("bash .ci/run" in s.get("run", "") for j in jobs.values() for s in j["steps"])


def test_docs_cover_every_input_and_output() -> None:
    action = load_action()
    text = DOCS.read_text(encoding="utf-8")
    for name in [*action["inputs"], *action["outputs"]]:
        assert re.search(rf"^\|\s*`{re.escape(name)}`\s*\|", text, re.M), f"{name} undocumented"
    assert "security-events: write" in text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"Inputs \(([^)]*)\)", readme)
    assert listed is not None
    assert re.findall(r"`([^`]+)`", listed.group(1)) == list(action["inputs"])


def _pinned_version(name: str) -> str:
    """The version the test extra pins in pyproject.toml (the one place a pin is written)."""
    import tomllib
    from packaging.requirements import Requirement

    with (ROOT / "pyproject.toml").open("rb") as handle:
        extra = tomllib.load(handle)["project"]["optional-dependencies"]["test"]
    [spec] = [Requirement(r).specifier for r in extra if Requirement(r).name == name]
    [pin] = [s.version for s in spec if s.operator == "=="]
    return str(pin)


def test_zizmor_reports_nothing() -> None:
    if sys.version_info < (3, 11):
        pytest.skip("zizmor needs Python 3.11+: the test extra installs it only there")
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("zizmor")
    except PackageNotFoundError:
        pytest.fail("zizmor is a test dependency: pip install -e '.[test]'")
    assert installed == _pinned_version("zizmor"), (
        "reinstall the test extra: pip install -e '.[test]'"
    )
    scripts = sysconfig.get_path("scripts")
    zizmor = shutil.which("zizmor", path=os.pathsep.join([scripts, os.environ.get("PATH", "")]))
    assert zizmor is not None
    proc = subprocess.run(
        [zizmor, "--offline", "--format", "json", str(ACTION), str(WORKFLOWS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == []


def test_wabaguard_reports_nothing_on_the_action_and_workflows(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "wabaguard",
            "scan",
            "--no-progress",
            "--format",
            "json",
            "--output",
            str(report),
            "--",
            "action.yml",
            ".github/workflows",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["findings"] == [], document["findings"]
    assert document["errors"] == []
    assert document["stats"]["files_scanned"] >= 2
    assert proc.returncode == 0, proc.stderr


# --------------------------------------------------------------------------------------
# The release workflow's steps, with a stand-in `gh` that keeps the repository's refs


FAKE_GH = """\
import json, os, sys
state_file = os.environ["FAKE_GH_STATE"]
with open(state_file, encoding="utf-8") as fh:
    state = json.load(fh)
args = sys.argv[1:]
state["calls"].append(args)
assert os.environ.get("GH_TOKEN") == "fake-token", "gh reads its token from GH_TOKEN"
assert not any("fake-token" in a for a in args), "the token is never on the command line"
assert args[0] == "api"
method, rest = "GET", args[1:]
if rest[0] == "--method":
    method, rest = rest[1], rest[2:]
path, fields = rest[0], dict(f.split("=", 1) for f in rest[2::2])
prefix = "repos/" + os.environ["GITHUB_REPOSITORY"] + "/git/"
assert path.startswith(prefix), path
path = path[len(prefix):]
refs = state["refs"]
code = 0
if method == "GET":
    ref = "refs/" + path.removeprefix("ref/")
    code = 0 if ref in refs else 1
elif method == "POST" and path == "refs":
    code = 1 if fields["ref"] in refs else 0
    refs.setdefault(fields["ref"], fields["sha"])
elif method == "PATCH":
    ref = path
    assert ref in refs and fields.get("force") == "true"
    refs[ref] = fields["sha"]
else:
    raise AssertionError(args)
with open(state_file, "w", encoding="utf-8") as fh:
    json.dump(state, fh)
sys.exit(code)
"""


def run_release(tmp_path: Path, version: str, refs: dict[str, str]) -> tuple[int, str, dict]:
    """The release job's `run:` steps, as the runner runs them, against a stand-in `gh`."""
    workflow = load_workflows()[WORKFLOWS / "release.yml"]
    checkout = Path(tempfile.mkdtemp(prefix="checkout-", dir=tmp_path))
    (checkout / "pyproject.toml").write_text(f'[project]\nname = "w"\nversion = "{version}"\n')
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(f"#!{sys.executable}\n{FAKE_GH}", encoding="utf-8")
    gh.chmod(0o755)
    state = tmp_path / "gh-state.json"
    state.write_text(json.dumps({"refs": refs, "calls": []}), encoding="utf-8")
    sha = "c0ffee" * 6 + "abcd"
    outputs: dict[str, dict[str, str]] = {}
    log = []
    for index, step in enumerate(workflow["jobs"]["tag"]["steps"]):
        if "uses" in step:
            assert step["uses"].startswith("actions/checkout@")
            continue
        output_file = checkout.parent / f"{checkout.name}-output-{index}"
        output_file.write_text("", encoding="utf-8")
        env = {k: os.environ[k] for k in ("HOME", "LANG") if k in os.environ}
        env.update(
            PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            GITHUB_OUTPUT=str(output_file),
            GITHUB_REPOSITORY="wabaguard/wabaguard",
            GITHUB_SHA=sha,
            FAKE_GH_STATE=str(state),
        )
        for name, value in (step.get("env") or {}).items():
            value = str(value).replace("${{ github.token }}", "fake-token")
            for match in STEP_OUTPUT_EXPR.finditer(value):
                value = value.replace(
                    match.group(0), outputs.get(match.group(1), {}).get(match.group(2), "")
                )
            assert "${{" not in value, value
            env[name] = value
        proc = subprocess.run(
            [BASH or "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        log.append(proc.stdout + proc.stderr)
        outputs[step.get("id", str(index))] = parse_output_file(output_file.read_text())
        if proc.returncode:
            return proc.returncode, "".join(log), json.loads(state.read_text())
    return 0, "".join(log), json.loads(state.read_text())


STEP_OUTPUT_EXPR = re.compile(r"\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}")


def test_release_tags_a_new_version_and_moves_the_major_tag(tmp_path: Path) -> None:
    sha = "c0ffee" * 6 + "abcd"
    status, log, state = run_release(tmp_path, "0.1.0", {})
    assert status == 0, log
    assert state["refs"] == {"refs/tags/v0.1.0": sha, "refs/tags/v0": sha}
    # Released already: nothing changes.
    status, log, state = run_release(tmp_path, "0.1.0", state["refs"])
    assert status == 0 and "v0.1.0 is tagged already" in log
    assert all(call[1] != "--method" for call in state["calls"])  # only lookups
    # The next version moves v0 forward and keeps v0.1.0.
    old = {"refs/tags/v0.1.0": "1" * 40, "refs/tags/v0": "1" * 40}
    status, log, state = run_release(tmp_path, "0.2.0", old)
    assert status == 0, log
    assert state["refs"] == {
        "refs/tags/v0.1.0": "1" * 40,
        "refs/tags/v0": sha,
        "refs/tags/v0.2.0": sha,
    }


@pytest.mark.parametrize("version", ["0.2", "1.0.0rc1", "01.2.3"])
def test_release_refuses_a_version_that_is_not_a_tag(tmp_path: Path, version: str) -> None:
    status, log, state = run_release(tmp_path, version, {})
    assert status != 0
    assert "is not MAJOR.MINOR.PATCH" in log
    assert state["refs"] == {} and state["calls"] == []


def test_the_documented_version_refs_are_the_released_ones() -> None:
    """README and docs name `v{version}` from pyproject, the tag the release workflow makes."""
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    tag, major = f"v{version}", f"v{version.split('.')[0]}"
    refs = []
    for doc in (ROOT / "README.md", DOCS):
        text = doc.read_text(encoding="utf-8")
        uses = []
        pattern = r"uses: wabaguard/wabaguard@(<commit of [\w.]+>|[^\s`]+)(?: +# +([\w.]+))?"
        for ref, comment in re.findall(pattern, text):
            # A commit pin (a placeholder in prose) names its release in the comment.
            if ref.startswith("<commit of ") or re.fullmatch(r"[0-9a-f]{40}", ref):
                assert ref in (f"<commit of {comment}>", ref.lower()), ref
                ref = comment
            uses.append(ref)
        revs = re.findall(r"repo: https://github.com/wabaguard/wabaguard\n\s+rev: (\S+)", text)
        refs += uses + revs
        assert all(ref in (tag, major) for ref in uses + revs), (doc.name, uses, revs)
        assert "<commit-sha>" not in text
    assert tag in refs
    assert len(refs) >= 4
