"""Install wabaguard for real without a package index: a snapshot of this checkout, and a
wheelhouse holding its dependencies, built from the distributions the running tests import.

Tests that install wabaguard (the pre-commit hook, a wheel built from the sdist) point pip at
the wheelhouse with ``offline_pip_env()``: ``PIP_NO_INDEX`` and ``PIP_FIND_LINKS``, and no
pip configuration files, so they pass on a fresh venv without the network and without
borrowing packages from the base interpreter.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10: tomli is a dependency of wabaguard there
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
# Top-level directories the installed package never needs (and the heaviest to copy).
NOT_SHIPPED = ("tests", "benchmarks", "fuzz")
# When the checkout is not a git work tree: what never belongs in a copy of the source.
IGNORED = (
    ".git", ".venv", "venv", ".tox", ".nox", "build", "dist", "node_modules", "*.egg-info",
    "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
)  # fmt: skip
_NOT_REPACKED = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    return subprocess.run(
        ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t",
         "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, check=True, capture_output=True, text=True, env=env,
    ).stdout  # fmt: skip


def _source_files() -> Iterator[Path]:
    """This checkout's files, uncommitted work included, ignored files (.venv, build) not."""
    try:
        listed = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    except (OSError, subprocess.CalledProcessError):
        listed = None
    if listed is not None:
        for name in sorted(set(filter(None, listed.split("\0")))):
            yield Path(name)
        return
    ignore = shutil.ignore_patterns(*IGNORED)
    for directory, dirs, files in os.walk(REPO):
        skipped = ignore(directory, [*dirs, *files])
        dirs[:] = [d for d in dirs if d not in skipped]
        for name in files:
            if name not in skipped:
                yield (Path(directory) / name).relative_to(REPO)


def snapshot(dest: Path) -> Path:
    """A committed git copy of this checkout's source (without tests and benchmarks)."""
    dest.mkdir(parents=True)
    for relative in _source_files():
        source = REPO / relative
        if relative.parts[0] in NOT_SHIPPED or not source.is_file():
            continue  # a tracked file deleted in the work tree is not part of the work
        (dest / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / relative)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot")
    return dest


# -- the wheelhouse --------------------------------------------------------------------------


def _pyproject() -> dict[str, object]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def _wanted(requirements: Iterable[str], extras: Iterable[str] = ("",)) -> list[Requirement]:
    out = []
    for text in requirements:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras):
            out.append(requirement)
    return out


def _runtime_closure() -> list[metadata.Distribution]:
    """The installed distributions wabaguard's dependencies resolve to, transitively."""
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    todo = _wanted(project["dependencies"])
    found: dict[str, metadata.Distribution] = {}
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            raise RuntimeError(
                f"{requirement} is a dependency of wabaguard but is not installed here"
            ) from None
        if dist.version not in requirement.specifier:
            raise RuntimeError(f"installed {requirement.name} {dist.version} is not {requirement}")
        found[name] = dist
        todo += _wanted(dist.requires or (), ("", *requirement.extras))
    return list(found.values())


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def repack(dist: metadata.Distribution, dest: Path) -> Path:
    """A wheel of an installed distribution, from the files its RECORD lists."""
    wheel_info = dist.read_text("WHEEL")
    if wheel_info is None or dist.files is None:
        raise RuntimeError(f"{dist.metadata['Name']} was not installed from a wheel")
    tags = {t.strip() for t in re.findall(r"^Tag:(.*)$", wheel_info, re.M)}
    tag = next((str(t) for t in sys_tags() if str(t) in tags), None)
    if tag is None:
        raise RuntimeError(f"{dist.metadata['Name']}: no tag of {sorted(tags)} fits here")
    name = canonicalize_name(dist.metadata["Name"]).replace("-", "_")
    path = dest / f"{name}-{dist.version}-{tag}.whl"
    root = Path(str(dist.locate_file("")))
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    record_name = None
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        for file in dist.files:
            parts = file.parts
            if ".." in parts or "__pycache__" in parts or file.suffix == ".pyc":
                continue  # console scripts (regenerated by pip) and byte code
            if parts[0].endswith(".dist-info") and len(parts) == 2 and parts[1] in _NOT_REPACKED:
                if parts[1] == "RECORD":
                    record_name = file.as_posix()
                continue
            data = (root / file).read_bytes()
            wheel.writestr(file.as_posix(), data)
            writer.writerow([file.as_posix(), _record_hash(data), len(data)])
        if record_name is None:
            raise RuntimeError(f"{dist.metadata['Name']} has no RECORD")
        writer.writerow([record_name, "", ""])
        wheel.writestr(record_name, record.getvalue())
    return path


def _build_requirements_wheel(requirement: Requirement, dest: Path) -> Path:
    """A wheel for a build requirement (setuptools): the installed one if it fits, else one
    that virtualenv (a pre-commit dependency) ships to seed new environments."""
    try:
        dist = metadata.distribution(requirement.name)
        if dist.version in requirement.specifier:
            return repack(dist, dest)
    except metadata.PackageNotFoundError:
        pass
    from virtualenv.seed.wheels.embed import BUNDLE_FOLDER

    name = canonicalize_name(requirement.name).replace("-", "_")
    candidates = []
    for wheel in Path(BUNDLE_FOLDER).glob("*.whl"):
        wheel_name, version = wheel.name.split("-")[:2]
        if wheel_name.lower() == name and version in requirement.specifier:
            candidates.append(wheel)
    if not candidates:
        raise RuntimeError(f"no wheel for the build requirement {requirement} on this machine")
    newest = max(candidates, key=lambda w: [int(p) for p in re.findall(r"\d+", w.name)])
    return Path(shutil.copy2(newest, dest / newest.name))


def build_wheelhouse(dest: Path) -> Path:
    """Wheels of wabaguard's run-time dependencies and of its build backend."""
    dest.mkdir(parents=True, exist_ok=True)
    for dist in _runtime_closure():
        repack(dist, dest)
    build_system = _pyproject()["build-system"]
    assert isinstance(build_system, dict)
    for requirement in _wanted(build_system["requires"]):
        _build_requirements_wheel(requirement, dest)
    return dest


def offline_pip_env(wheelhouse: Path) -> dict[str, str]:
    """Environment variables under which pip (and virtualenv) install from ``wheelhouse`` only."""
    return {
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_CONFIG_FILE": os.devnull,  # no machine-wide index, constraints or find-links
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",  # virtualenv would look for newer seed wheels
    }
