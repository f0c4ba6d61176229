from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# The console scripts of the environment running the tests (wabaguard, detect-secrets,
# pre-commit) come first on PATH, whether that environment is activated or not (a
# `python3 -m pytest` from a venv's python, a --user install without ~/.local/bin on PATH).
os.environ["PATH"] = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])

sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parent.parent


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``wabaguard`` in-process through ``main(argv)``, in a given directory."""
    from wabaguard.cli import main

    def run(*args: str, cwd: Path | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        _check_sarif_outputs(list(args), captured.out)
        return CliResult(code, captured.out, captured.err)

    return run


def _check_sarif_outputs(args: list[str], out: str) -> None:
    """Every SARIF document a test makes through run_cli is validated (schema, URIs)."""
    from sarif_check import assert_valid_sarif

    fmt, output, sarif_files = "text", None, []
    for i, arg in enumerate(args[:-1]):
        value = args[i + 1]
        if arg in ("-f", "--format"):
            fmt = value
        elif arg in ("-o", "--output"):
            output = value
        elif arg == "--report" and value.startswith("sarif="):
            sarif_files.append(value.removeprefix("sarif="))
    if fmt == "sarif":
        if output is None or output == "-":
            if out.strip():
                assert_valid_sarif(out)
        else:
            sarif_files.append(output)
    for name in sarif_files:
        if name != "-" and Path(name).is_file():
            assert_valid_sarif(Path(name))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GITHUB_STEP_SUMMARY", "NO_COLOR", "FORCE_COLOR", "WABAGUARD_DEBUG"):
        monkeypatch.delenv(var, raising=False)


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    return subprocess.run(
        [
            "git",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "user.name=t",
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
        env=env,
    ).stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Iterator[Path]:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    yield repo


@pytest.fixture(scope="session")
def source_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed git copy of this checkout (uncommitted work included, .venv/ not)."""
    import wheelhouse

    return wheelhouse.snapshot(tmp_path_factory.mktemp("source") / "wabaguard")


@pytest.fixture(scope="session")
def offline_pip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment under which pip installs wabaguard's dependencies with no index."""
    import wheelhouse

    built = wheelhouse.build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))
    return wheelhouse.offline_pip_env(built)
