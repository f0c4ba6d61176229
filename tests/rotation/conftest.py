"""Fixtures for the rotation check: a fake GitHub on 127.0.0.1 and the command against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import fakes
from rotation.fake_github import NOW, FakeGitHub

TOKEN_VARIABLES = ("WABAGUARD_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN")


@pytest.fixture(autouse=True)
def _no_ambient_github(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from the machine's environment: tokens, API URL, proxies."""
    for var in (*TOKEN_VARIABLES, "GITHUB_API_URL"):
        monkeypatch.delenv(var, raising=False)
    for var in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.upper(), raising=False)


@pytest.fixture
def token() -> str:
    return fakes.github_token()


@pytest.fixture
def github(token: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with FakeGitHub(token) as fake:
        monkeypatch.setenv("WABAGUARD_GITHUB_TOKEN", token)
        yield fake


@pytest.fixture
def rotation(run_cli: Any, github: FakeGitHub, tmp_path: Path) -> Any:
    """``wabaguard rotation ARGS --api-url <fake> --now TODAY``, run in an empty directory
    (so no config is found unless the test writes one there)."""
    workdir = tmp_path / "work"
    workdir.mkdir()

    def run(*args: str, api: bool = True) -> Any:
        extra = ["--api-url", github.url] if api else []
        return run_cli("rotation", *args, *extra, "--now", NOW, cwd=workdir)

    run.workdir = workdir  # type: ignore[attr-defined]
    return run
