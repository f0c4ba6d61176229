"""What users install: the sdist carries the rule pages, and a wheel built from it ships them.

``python -m build`` builds the sdist from a snapshot of this checkout, then the wheel from the
unpacked sdist alone (as pip does for a user who only has the sdist); the wheel is installed into a
fresh venv with its dependencies from the local wheelhouse (no index), and its console script
must print each rule's real page, not the stub `explain` falls back to.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow

PAGES = sorted((REPO / "docs" / "rules").glob("*.md"))


def _env(offline_pip: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUALENV_"))}
    env.update(offline_pip)
    return env


def _build(what: str, source: Path, out: Path, offline_pip: dict[str, str]) -> Path:
    proc = subprocess.run(
        [sys.executable, "-m", "build", what, "--outdir", str(out), str(source)],
        env=_env(offline_pip),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    [built] = out.glob("*.tar.gz" if what == "--sdist" else "*.whl")
    return built


@pytest.fixture(scope="module")
def dists(
    tmp_path_factory: pytest.TempPathFactory, source_snapshot: Path, offline_pip: dict[str, str]
) -> tuple[Path, Path]:
    """The sdist of this checkout, and the wheel built from nothing but the unpacked sdist."""
    work = tmp_path_factory.mktemp("dist")
    sdist = _build("--sdist", source_snapshot, work / "sdist", offline_pip)
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+: refuse links out of the tree
            archive.extractall(work / "unpacked", filter="data")
        else:  # pragma: no cover - our own sdist, just built
            archive.extractall(work / "unpacked")
    [unpacked] = (work / "unpacked").iterdir()
    wheel = _build("--wheel", unpacked, work / "wheel", offline_pip)
    return sdist, wheel


def test_the_sdist_carries_every_rule_page(dists: tuple[Path, Path]) -> None:
    sdist, _ = dists
    root = sdist.name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
    missing = [p.name for p in PAGES if f"{root}/docs/rules/{p.name}" not in names]
    assert PAGES and not missing, missing


def test_the_wheel_built_from_the_sdist_ships_every_rule_page(dists: tuple[Path, Path]) -> None:
    _, wheel = dists
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            name.removeprefix("wabaguard/rules_docs/"): archive.read(name)
            for name in archive.namelist()
            if name.startswith("wabaguard/rules_docs/")
        }
    assert shipped == {p.name: p.read_bytes() for p in PAGES}


def test_explain_prints_the_real_page_from_an_installed_wheel(
    tmp_path: Path, dists: tuple[Path, Path], offline_pip: dict[str, str]
) -> None:
    _, wheel = dists
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    install = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        env=_env(offline_pip),
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, (install.stdout + install.stderr)[-3000:]
    # Run away from this checkout: the source tree's docs/ must not be what answers.
    explain = subprocess.run(
        [str(bin_dir / "wabaguard"), "explain", "meta-access-token"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert explain.returncode == 0, explain.stderr
    page = (REPO / "docs" / "rules" / "meta-access-token.md").read_text(encoding="utf-8")
    assert explain.stdout == page
