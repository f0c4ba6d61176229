"""Inputs for the benchmarks, cached under ``benchmarks/.cache/`` (git-ignored).

Real code comes from the package index through pip (pinned versions) or from packages already
installed; generated files come from fixed seeds, so every run measures the same bytes.
"""

from __future__ import annotations

import random
import shutil
import string
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
SEED = 20261125

WHEELS = {"sympy": "sympy==1.14.0", "ansible_core": "ansible-core==2.19.14"}
# Source distributions that ship their real .github/workflows.
WORKFLOW_SDISTS = ("attrs==26.1.0", "pytest==9.2.0")
WORKFLOW_FILES = 182  # the size of the reference directory in issue 6
# The hook case: five typical files of an installed package (~80 KB, ~2.4k lines).
HOOK_FILES = ("exceptions.py", "parser.py", "utils.py", "decorators.py", "formatting.py")

sys.path.insert(0, str(REPO / "tests"))
import fakes  # noqa: E402  (run-time fake credentials; nothing token-shaped is committed)


def _pip_download(spec: str, dest: Path, *, sdist: bool = False) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    name, version = spec.split("==")
    stem = f"{name}-{version}".replace("-", "_").lower()

    def cached() -> Path | None:
        for existing in sorted(dest.iterdir()):
            if existing.name.replace("-", "_").lower().startswith(stem):
                return existing
        return None

    found = cached()
    if found is None:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest)]
        if sdist:
            cmd += ["--no-binary", ":all:"]
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


def workflows_dir(with_fixtures: bool = True) -> tuple[Path, str]:
    """A directory of GitHub workflow files, and where they came from.

    ``with_fixtures=False``: real workflows only (the goal's "real workflow files"); with
    them, wabaguard's deliberately leaky fixtures are mixed in, which exercise every rule.
    """
    target = CACHE / ("workflows" if with_fixtures else "workflows-real") / ".github" / "workflows"
    real: list[tuple[str, bytes]] = []
    for spec in WORKFLOW_SDISTS:
        sdist = _pip_download(spec, CACHE / "sdists", sdist=True)
        with tarfile.open(sdist) as archive:
            for member in archive.getmembers():
                name = member.name
                if "/.github/workflows/" in name and name.endswith((".yml", ".yaml")):
                    data = archive.extractfile(member)
                    if data is not None:
                        real.append((f"{spec.split('==')[0]}-{Path(name).name}", data.read()))
    fixtures = sorted((REPO / "tests" / "fixtures" / "workflows").glob("*.yml"))
    if not with_fixtures:
        fixtures = []
    pool = real + [(f"fixture-{p.name}", p.read_bytes()) for p in fixtures]
    if not target.is_dir():
        target.mkdir(parents=True)
        for index in range(WORKFLOW_FILES):
            name, data = pool[index % len(pool)]
            (target / f"{index:03d}-{name}").write_bytes(data)
    where = (f"{len(real)} real workflows from the {' and '.join(WORKFLOW_SDISTS)} sdists"
             + (f" plus {len(fixtures)} of wabaguard's fixture workflows" if fixtures else "")
             + f", cycled to {WORKFLOW_FILES} files")
    return target.parent.parent, where


def tree_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
