"""Configuration through the CLI: per-rule tables, pyproject errors, lookup from the scanned
path upward, and excludes relative to the config file."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

import fakes

WORKFLOW = (
    "on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - run: ./deploy --token ${{ secrets.API_TOKEN }}\n"
)


def plant(root: Path, seed: int = 1) -> None:
    """A credential finding (aws-access-key) and a workflow finding (secret-in-argv)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "settings.py").write_text(f'AWS = "{fakes.aws_access_key_id(seed=seed)}"\n')
    (root / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (root / ".github" / "workflows" / "deploy.yml").write_text(WORKFLOW)


def rules_found(run_cli: Any, cwd: Path, *args: str) -> dict[str, str]:
    result = run_cli("scan", "--format", "json", *args, cwd=cwd)
    assert result.code in (0, 1), result.err
    return {f["rule"]: f["severity"] for f in result.json()["findings"]}


# -- [rules.ID] ---------------------------------------------------------------------------


def test_both_findings_without_config(run_cli: Any, tmp_path: Path) -> None:
    plant(tmp_path)
    assert rules_found(run_cli, tmp_path) == {"aws-access-key": "high", "secret-in-argv": "high"}


@pytest.mark.parametrize("rule", ["aws-access-key", "secret-in-argv"])
def test_a_rule_table_with_enabled_false_disables_the_rule(
    run_cli: Any, tmp_path: Path, rule: str
) -> None:
    plant(tmp_path)
    (tmp_path / ".wabaguard.toml").write_text(f"[rules.{rule}]\nenabled = false\n")
    found = rules_found(run_cli, tmp_path)
    assert rule not in found
    assert len(found) == 1  # the other rule still reports


def test_a_rule_table_can_set_the_severity(run_cli: Any, tmp_path: Path) -> None:
    plant(tmp_path)
    (tmp_path / ".wabaguard.toml").write_text(
        '[rules.secret-in-argv]\nseverity = "low"\nenabled = true\n'
    )
    assert rules_found(run_cli, tmp_path) == {"aws-access-key": "high", "secret-in-argv": "low"}
    result = run_cli("scan", "--fail-on", "medium", "--exclude", "*.py", cwd=tmp_path)
    assert result.code == 0  # the workflow finding is low now


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[rules.aws-access-key]\nbogus = 1\n", "rules.aws-access-key: unknown key(s) bogus"),
        ("[rules.no-such-rule]\nenabled = false\n", "rules: unknown rule id(s) no-such-rule"),
        ('[rules.aws-access-key]\nenabled = "no"\n', "enabled must be true or false"),
        ("[rules.aws-access-key]\nseverity = 3\n", "rules.aws-access-key.severity must be a"),
        ('[rules.aws-access-key]\nseverity = "dire"\n', "unknown severity 'dire'"),
        ("rules = 1\n", "rules must be a table of per-rule tables"),
        ("[rules]\naws-access-key = true\n", "rules must be a table of per-rule tables"),
        (
            'disable = ["aws-access-key"]\n[rules.aws-access-key]\nenabled = true\n',
            "enabled = true, but `disable` lists aws-access-key",
        ),
        (
            '[severity]\naws-access-key = "low"\n[rules.aws-access-key]\nseverity = "high"\n',
            "but [severity] sets aws-access-key = 'low'",
        ),
    ],
)
def test_bad_rule_tables_are_configuration_errors(
    run_cli: Any, tmp_path: Path, content: str, message: str
) -> None:
    plant(tmp_path)
    (tmp_path / ".wabaguard.toml").write_text(content)
    result = run_cli("scan", cwd=tmp_path)
    assert result.code == 2
    assert ".wabaguard.toml" in result.err
    assert message in result.err, result.err


# -- pyproject.toml -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '[tool.wabaguard]\nfail-on = "critical"\nexclude = [\n',  # syntax error in our table
        '[project]\nname = "x\n\n[tool.wabaguard]\nfail-on = "critical"\n',  # elsewhere
        '[tool.wabaguard\nfail-on = "critical"\n',  # in our header itself
        '[tool]\nwabaguard.fail-on = "critical"\nbroken =\n',  # a dotted key under [tool]
        'tool.wabaguard.fail-on = "critical"\n[x\n',  # a top-level dotted key
        b'[tool.wabaguard]\nfail-on = "critical" # caf\xe9\n',  # not UTF-8
    ],
)
def test_a_pyproject_with_our_table_that_cannot_be_read_is_an_error(
    run_cli: Any, tmp_path: Path, text: str | bytes
) -> None:
    plant(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    if isinstance(text, bytes):
        pyproject.write_bytes(text)
    else:
        pyproject.write_text(text)
    result = run_cli("scan", cwd=tmp_path)
    assert result.code == 2, result.out
    assert "pyproject.toml [tool.wabaguard]:" in result.err


@pytest.mark.parametrize(
    "text",
    [
        '[project]\nname = "x\n',
        '[tool.poetry.group.dev.dependencies]\nwabaguard = "^0.1"\nbroken =\n',
        '[tool.ruff]\nline-length = \n# wabaguard = "not a key"\n',
    ],
)
def test_a_broken_pyproject_without_our_table_is_ignored(
    run_cli: Any, tmp_path: Path, text: str
) -> None:
    plant(tmp_path)
    (tmp_path / "pyproject.toml").write_text(text)
    result = run_cli("scan", cwd=tmp_path)
    assert result.code == 1  # scanned with the defaults
    assert "error" not in result.err


def test_an_explicit_pyproject_without_our_table_is_an_error(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    result = run_cli("scan", "--config", "pyproject.toml", cwd=tmp_path)
    assert result.code == 2
    assert "has no [tool.wabaguard] table" in result.err


# -- where the config is found ------------------------------------------------------------


def git_init(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)


def test_config_is_found_from_the_scanned_directory_up_to_the_repo_root(
    run_cli: Any, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    git_init(repo)
    plant(repo / "services" / "api")
    (repo / ".wabaguard.toml").write_text('disable = ["aws-access-key"]\n')
    # From outside the repository, naming the directory: the repository's config applies.
    assert rules_found(run_cli, tmp_path, "repo/services/api") == {"secret-in-argv": "high"}
    # From a directory below the config, scanning ".": found by walking up.
    assert rules_found(run_cli, repo / "services") == {"secret-in-argv": "high"}
    # A nearer config wins over the root's, and .wabaguard.toml over pyproject's table.
    api = repo / "services" / "api"
    (api / "pyproject.toml").write_text('[tool.wabaguard]\ndisable = ["secret-in-argv"]\n')
    assert rules_found(run_cli, tmp_path, "repo/services/api") == {"aws-access-key": "high"}
    (api / ".wabaguard.toml").write_text("disable = []\n")
    assert rules_found(run_cli, tmp_path, "repo/services/api") == {
        "aws-access-key": "high",
        "secret-in-argv": "high",
    }
    # --config wins over all.
    (tmp_path / "mine.toml").write_text('disable = ["secret-in-argv", "aws-access-key"]\n')
    assert rules_found(run_cli, tmp_path, "--config", "mine.toml", "repo/services/api") == {}


def test_the_walk_stops_at_the_repository_root(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / ".wabaguard.toml").write_text('disable = ["aws-access-key"]\n')
    repo = tmp_path / "repo"
    git_init(repo)
    plant(repo)
    assert "aws-access-key" in rules_found(run_cli, repo)
    # A submodule's or worktree's `.git` file marks a root too.
    (repo / ".git").rename(tmp_path / "gitdir")
    (repo / ".git").write_text("gitdir: ../gitdir\n")
    assert "aws-access-key" in rules_found(run_cli, repo)
    (repo / ".git").unlink()  # outside git: up to the filesystem root
    assert "aws-access-key" not in rules_found(run_cli, repo)


def test_file_arguments_use_their_common_directory(run_cli: Any, tmp_path: Path) -> None:
    # pre-commit passes file names from the repository root: a config beside them applies,
    # and so does one above their common directory.
    repo = tmp_path / "repo"
    git_init(repo)
    plant(repo / "a")
    plant(repo / "b", seed=2)
    (repo / "a" / ".wabaguard.toml").write_text('disable = ["aws-access-key"]\n')
    assert rules_found(run_cli, repo, "a/settings.py") == {}
    both = run_cli("scan", "--format", "json", "a/settings.py", "b/settings.py", cwd=repo)
    assert {f["path"] for f in both.json()["findings"]} == {"a/settings.py", "b/settings.py"}
    (repo / "list.txt").write_text("a/settings.py\n")
    assert rules_found(run_cli, repo, "--files-from", "list.txt") == {}


def test_excludes_of_a_found_config_are_relative_to_its_directory(
    run_cli: Any, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    git_init(repo)
    for d in ("fixtures", "src/fixtures"):
        (repo / d).mkdir(parents=True)
        (repo / d / "k.py").write_text(f'K = "{fakes.aws_access_key_id(seed=len(d))}"\n')
    (repo / ".wabaguard.toml").write_text('exclude = ["/fixtures/"]\n')

    def paths(cwd: Path, *args: str) -> set[str]:
        doc = run_cli("scan", "--format", "json", *args, cwd=cwd).json()
        return {f["path"] for f in doc["findings"]}

    assert paths(repo) == {"src/fixtures/k.py"}
    assert paths(repo / "src") == {"fixtures/k.py"}  # /fixtures/ is the root's, not src's
    assert paths(tmp_path, "repo") == {"repo/src/fixtures/k.py"}
    # --exclude and --config's own patterns are relative to the working directory.
    assert paths(repo / "src", "--exclude", "/fixtures/") == set()
    (repo / "src" / "conf.toml").write_text("exclude = []\n")
    assert paths(repo, "--config", "src/conf.toml") == {"fixtures/k.py", "src/fixtures/k.py"}


def test_the_readme_configuration_example_is_a_valid_config(run_cli: Any, tmp_path: Path) -> None:
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / ".wabaguard.toml").write_text(example)
    plant(tmp_path)
    (tmp_path / ".github" / "workflows" / "deploy.yml").write_text(
        WORKFLOW.replace("./deploy --token ${{ secrets.API_TOKEN }}", "echo hi")
        + "    env:\n      ACTIONS_STEP_DEBUG: true\n"
    )
    result = run_cli("scan", "--format", "json", cwd=tmp_path)
    assert result.code == 1, result.err  # fail-on = "medium", the AWS key is high
    found = {f["rule"] for f in result.json()["findings"]}
    assert found == {"aws-access-key"}  # runner-debug-enabled is disabled by its table
