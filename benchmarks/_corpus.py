"""Inputs for the benchmarks, cached under ``benchmarks/.cache/`` (git-ignored).

Real code comes from the package index through pip (pinned versions) or from packages already
installed; generated files come from fixed seeds, so every run measures the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import random
import re
import shutil
import string
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
SEED = 20261125

WHEELS = {"sympy": "sympy==1.14.0", "ansible_core": "ansible-core==2.19.14"}
# Pinned source distributions that ship real .github/workflows files (their own, or those of a
# project they vendor: llhttp in aiohttp, libsodium in pynacl, the JSON-Schema-Test-Suite in
# jsonschema and referencing), in alphabetical order. The directory of real workflows is the
# first WORKFLOW_FILES distinct files (by content) in this order, each sdist's files sorted by
# path; these 58 give 186. Checked and left out: sdists with no workflows (click, flask, httpx,
# pip, pydantic, rich, setuptools, sphinx, urllib3, hatch, ...), those whose only workflow is a
# byte-for-byte copy of one above (jaraco.context, jaraco.text, keyring, path, portend, zipp,
# pytest-checkdocs, pytest-enabler), and numpy (building its metadata compiles it).
WORKFLOW_SDISTS = (
    "aiohttp==3.14.5",
    "anyio==4.16.0",
    "argon2-cffi==25.1.0",
    "argon2-cffi-bindings==26.2.0",
    "attrs==26.1.0",
    "automat==25.4.16",
    "backports.tarfile==1.2.0",
    "bandit==1.9.4",
    "black==26.10.1",
    "cattrs==26.2.1",
    "cibuildwheel==4.3.5",
    "coverage==7.18.0",
    "delocate==0.13.0",
    "django-model-utils==5.0.0",
    "doc2dash==3.1.0",
    "environ-config==26.1.0",
    "hatch-fancy-pypi-readme==25.1.0",
    "hatch-vcs==0.5.0",
    "importlib-metadata==10.2.0",
    "importlib-resources==7.1.0",
    "inflect==7.6.0",
    "ini2toml==0.15",
    "iniconfig==2.3.1",
    "jaraco.classes==3.4.0",
    "jaraco.collections==5.2.1",
    "jaraco.functools==4.6.0",
    "jsonschema==4.26.0",
    "jsonschema-specifications==2025.9.1",
    "meson-python==0.22.1",
    "more-itertools==11.2.1",
    "nox==2026.10.20",
    "pem==23.1.0",
    "pip-tools==7.7.0",
    "pluggy==1.7.0",
    "prettytable==3.19.0",
    "prometheus-async==26.1.0",
    "pynacl==1.6.2",
    "pyproject-api==1.12.1",
    "pyscaffold==4.6",
    "pytest==9.2.0",
    "pytest-benchmark==5.3.1",
    "pytest-cov==7.1.0",
    "pytest-cpp==2.6.0",
    "pytest-django==4.14.0",
    "pytest-forked==1.7.5",
    "pytest-localserver==0.10.0.post0",
    "pytest-mock==3.17.0",
    "pytest-qt==4.5.0",
    "pytest-repeat==0.9.4",
    "pytest-xdist==3.8.0",
    "referencing==0.37.0",
    "scikit-build==0.19.1",
    "service-identity==26.1.0",
    "sniffio==1.3.1",
    "stamina==26.1.0",
    "structlog==26.1.0",
    "svcs==26.2.0",
    "tablib==3.10.0",
)
WORKFLOW_FILES = 182  # the size of the reference directory in issue 6
WORKFLOWS_CACHE = "v2"  # bump when the corpus changes, so an old directory is not reused


def _test_extra_pin(name: str) -> str:
    """``name==version`` as pinned in pyproject.toml's test extra: one pin, in one place."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(rf"""["']({re.escape(name)}==[^"';\s]+)""", text)
    if match is None:
        raise SystemExit(f"pyproject.toml's test extra does not pin {name}")
    return match.group(1)


# The peer for workflows, at the version of the recorded run in docs/performance.md.
ZIZMOR_PINNED = _test_extra_pin("zizmor")
# The hook case: five typical files of an installed package (~80 KB, ~2.4k lines).
HOOK_FILES = ("exceptions.py", "parser.py", "utils.py", "decorators.py", "formatting.py")

sys.path.insert(0, str(REPO / "tests"))
import fakes  # noqa: E402  (run-time fake credentials; nothing token-shaped is committed)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _name_version(filename: str) -> tuple[str, str]:
    """``name-1.0.tar.gz`` / ``name-1.0-py3-none-any.whl`` -> canonical (name, version)."""
    if filename.endswith(".whl"):
        name, version = filename.split("-")[:2]
    else:
        stem = re.sub(r"\.(tar\.gz|tar\.bz2|zip)$", "", filename)
        name, _, version = stem.rpartition("-")
    return _canonical(name), version.lower()


def _pip_download(spec: str, dest: Path, *, sdist: bool = False) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    name, version = spec.split("==")
    wanted = (_canonical(name), version.lower())

    def cached() -> Path | None:
        for existing in sorted(dest.iterdir()):
            if _name_version(existing.name) == wanted:
                return existing
        return None

    found = cached()
    if found is None:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-q",
            "--disable-pip-version-check",
            "-d",
            str(dest),
        ]
        if sdist:  # this package's sdist; its build dependencies may come as wheels
            cmd += ["--no-binary", name]
        subprocess.run([*cmd, spec], check=True)
        found = cached()
    if found is None:
        raise SystemExit(f"pip download {spec} left nothing in {dest}")
    return found


def real_corpus(name: str) -> Path:
    """A wheel from the package index, unpacked once."""
    target = CACHE / "corpus" / name
    if not target.is_dir():
        wheel = _pip_download(WHEELS[name], CACHE / "wheels")
        partial = target.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(partial)
        partial.rename(target)
    return target


def hook_files() -> list[Path]:
    import click

    base = Path(click.__file__).parent
    return [base / name for name in HOOK_FILES]


def _rng() -> random.Random:
    return random.Random(SEED)


def _minified_chunk(rng: random.Random) -> str:
    ident = "".join(rng.choice(string.ascii_letters) for _ in range(rng.randrange(1, 4)))
    pick = rng.randrange(12)
    if pick < 5:
        return f"function {ident}(a,b){{return a.{ident}(b)||{rng.randrange(999)}}};"
    if pick < 8:
        return f'var {ident}="{"".join(rng.choice(string.ascii_letters) for _ in range(12))}";'
    if pick < 9:
        return f'{ident}.src="https://cdn.example.com/{ident}/{rng.randrange(10**6)}.js";'
    if pick < 10:
        blob = "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(60))
        return f'{ident}.img="data:image/png;base64,{blob}";'
    if pick < 11:
        return f"if({ident}!=null&&{ident}.length>{rng.randrange(99)}){{{ident}.push(0)}}"
    return f"{ident}[{rng.randrange(99)}]={rng.random():.6f};"


def minified_line(size: int = 5 * 1024 * 1024) -> Path:
    """One line of minified JavaScript, with a few real-looking secrets in it."""
    path = CACHE / "generated" / f"minified-{size}.js"
    if path.exists():
        return path
    rng = _rng()
    samples = [line for _plugin, line in fakes.detect_secrets_samples(rng)][:27]
    parts: list[str] = []
    total = 0
    while total < size:
        chunk = _minified_chunk(rng)
        if rng.random() < 0.00005:
            chunk = rng.choice(samples).replace(" = ", "=") + ";"
        parts.append(chunk)
        total += len(chunk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts) + "\n", encoding="utf-8")
    return path


def mixed_file(size: int = 50 * 1024 * 1024) -> Path:
    """Real Python lines (sympy), some minified lines, a secret every few thousand lines."""
    path = CACHE / "generated" / f"mixed-{size}.txt"
    if path.exists():
        return path
    rng = _rng()
    source: list[str] = []
    for file in sorted((real_corpus("sympy") / "sympy" / "core").glob("*.py")):
        source.extend(file.read_text(encoding="utf-8").splitlines())
    path.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with path.open("w", encoding="utf-8") as out:
        while total < size:
            roll = rng.random()
            if roll < 0.0003:
                line = "".join(_minified_chunk(rng) for _ in range(rng.randrange(200, 3000)))
            elif roll < 0.0006:
                line = rng.choice(fakes.detect_secrets_samples(rng))[1]
            else:
                line = rng.choice(source)
            out.write(line + "\n")
            total += len(line) + 1
    return path


@dataclass(frozen=True)
class RealWorkflows:
    files: tuple[tuple[str, bytes], ...]  # (file name in the directory, content), distinct
    per_sdist: tuple[tuple[str, int], ...]  # (spec, distinct files it gave), in order
    available: int  # distinct files in all the sdists (files beyond WORKFLOW_FILES unused)
    duplicates: int  # files skipped because an earlier one had the same bytes


def _is_workflow(member: tarfile.TarInfo) -> bool:
    parts = member.name.split("/")
    return (
        member.isfile()
        and len(parts) >= 4
        and parts[-3:-1] == [".github", "workflows"]
        and parts[-1].endswith((".yml", ".yaml"))
        and "templates" not in parts
    )  # project-generator templates, not workflows


@functools.cache
def real_workflows() -> RealWorkflows:
    """Every distinct workflow file of WORKFLOW_SDISTS (first occurrence wins), capped."""
    files: list[tuple[str, bytes]] = []
    per_sdist: list[tuple[str, int]] = []
    seen: set[bytes] = set()
    duplicates = 0
    for spec in WORKFLOW_SDISTS:
        project = spec.split("==")[0]
        sdist = _pip_download(spec, CACHE / "sdists", sdist=True)
        gave = 0
        with tarfile.open(sdist) as archive:
            for member in sorted(filter(_is_workflow, archive.getmembers()), key=lambda m: m.name):
                handle = archive.extractfile(member)
                if handle is None:
                    continue
                data = handle.read()
                digest = hashlib.sha256(data).digest()
                if digest in seen:
                    duplicates += 1
                    continue
                seen.add(digest)
                gave += 1
                # name-vendored_dir-file.yml: the path inside the sdist without its top
                # directory and .github/workflows/
                inner = member.name.split("/")[1:-3]
                files.append(
                    (
                        "-".join(
                            [project, *(["_".join(inner)] if inner else []), Path(member.name).name]
                        ),
                        data,
                    )
                )
        per_sdist.append((spec, gave))
    return RealWorkflows(tuple(files[:WORKFLOW_FILES]), tuple(per_sdist), len(files), duplicates)


def workflows_dir(with_fixtures: bool = True) -> tuple[Path, int, str]:
    """A directory of GitHub workflow files, how many there are, and where they came from.

    ``with_fixtures=False``: WORKFLOW_FILES distinct real workflows (the goal's "real workflow
    files"), fewer only if the sdists run short (the note then says so). With them, wabaguard's
    deliberately leaky fixtures, which exercise every rule, replace the last real ones.
    """
    real = real_workflows()
    fixtures = (
        sorted((REPO / "tests" / "fixtures" / "workflows").glob("*.yml")) if with_fixtures else []
    )
    pool = [(f"fixture-{p.name}", p.read_bytes()) for p in fixtures]
    used = real.files[: max(0, WORKFLOW_FILES - len(pool))]
    pool = list(used) + pool
    name = ("workflows" if with_fixtures else "workflows-real") + f"-{WORKFLOWS_CACHE}"
    root = CACHE / name
    if not root.is_dir():
        partial = CACHE / f"{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        target = partial / ".github" / "workflows"
        target.mkdir(parents=True)
        for index, (file_name, data) in enumerate(pool):
            (target / f"{index:03d}-{file_name}").write_bytes(data)
        partial.rename(root)
    short = (
        ""
        if real.available >= WORKFLOW_FILES
        else f" (SHORT of {WORKFLOW_FILES}: the sdists hold only {real.available} distinct files)"
    )
    origin = (
        f"the first {len(used)} of {real.available} distinct (deduplicated by content, "
        f"{real.duplicates} byte-identical copies skipped) from {len(WORKFLOW_SDISTS)} "
        "pinned sdists"
    )
    if fixtures:
        where = (
            f"{len(used)} distinct real workflow files ({origin}) plus {len(fixtures)} of "
            "wabaguard's leaky fixture workflows; no file repeated"
        )
    else:
        contributed = ", ".join(f"{spec}: {n}" for spec, n in real.per_sdist)
        where = (
            f"{len(used)} distinct real workflow files{short}, {origin}; no file repeated."
            f" Distinct files in each sdist, in order (the cut falls in the last):"
            f" {contributed}"
        )
    return root, len(pool), where


def peer_tool(spec: str) -> Path:
    """A peer's executable at a pinned version, in its own venv under .cache/peers/."""
    name, version = spec.split("==")
    venv = CACHE / "peers" / f"{name}-{version}"
    exe = venv / "bin" / name
    marker = venv / "installed.txt"
    if not (exe.exists() and marker.exists() and marker.read_text() == spec):
        shutil.rmtree(venv, ignore_errors=True)
        venv.parent.mkdir(parents=True, exist_ok=True)
        print(f"  installing {spec} into {venv.relative_to(REPO)}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                spec,
            ],
            check=True,
        )
        marker.write_text(spec)
    return exe


def tree_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
