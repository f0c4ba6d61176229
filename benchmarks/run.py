"""wabaguard against detect-secrets (and zizmor for workflows), side by side in one run.

    python benchmarks/run.py            # full: medians of 3 runs, sympy + ansible-core corpus
    python benchmarks/run.py --quick    # a few minutes: ansible-core only, fewer peer runs

Needs the package index once: pip downloads sympy 1.14.0, ansible-core and the pinned sdists
whose real workflow files make case (e) into benchmarks/.cache/, and installs the pinned
zizmor into a venv under benchmarks/.cache/peers/. Case (e) measures that pinned zizmor and
the installed one (whatever `zizmor --version` says) in the same run, each with its own ratio
row. detect-secrets runs with --no-verify: wabaguard never calls the network, and an offline
verification attempt would only measure DNS timeouts. Prints a Markdown table (also written
to benchmarks/results/latest.md) for docs/performance.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _corpus
from _measure import Stats, measure

BIN = Path(sys.executable).parent
PY = sys.executable


def _tool(name: str) -> str:
    path = BIN / name  # not a pyenv shim: those add tens of milliseconds per call
    return str(path) if path.exists() else name


WABAGUARD = _tool("wabaguard")
DETECT_SECRETS = _tool("detect-secrets")
DS_HOOK = _tool("detect-secrets-hook")
ZIZMOR = _tool("zizmor")
MIB = 1024 * 1024


@dataclass
class Row:
    case: str
    tool: str
    stats: Stats | None
    nbytes: int = 0
    ratio_of: str = ""  # the row (tool) this one is compared with
    note: str = ""

    def mbps(self) -> str:
        if self.stats is None or not self.nbytes or self.stats.wall <= 0:
            return ""
        return f"{self.nbytes / MIB / self.stats.wall:.2f}"


class Report:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.notes: list[str] = []

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        s = row.stats
        shown = (
            "skipped"
            if s is None
            else (f"{s.wall:8.3f}s wall {s.cpu:8.3f}s cpu {s.rss_mib:7.1f} MiB  {row.mbps()} MB/s")
        )
        print(f"  {row.case:<34} {row.tool:<34} {shown} {row.note}", flush=True)
        return row

    def _peer(self, row: Row) -> Row | None:
        return next((r for r in self.rows if r.case == row.case and r.tool == row.ratio_of), None)

    def markdown(self) -> str:
        out = [
            "| case | tool | wall s | CPU s | peak RSS MiB | MB/s | wall ratio | CPU ratio "
            "| note |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in self.rows:
            s = row.stats
            peer = self._peer(row) if row.ratio_of else None
            ratio = cpu_ratio = ""
            if s is not None and peer is not None and peer.stats is not None:
                ratio = f"{s.wall / peer.stats.wall:.3f}× {peer.tool}"
                cpu_ratio = f"{s.cpu / peer.stats.cpu:.3f}×" if peer.stats.cpu else ""
            cells = (
                ["—"] * 4
                if s is None
                else [f"{s.wall:.3f}", f"{s.cpu:.3f}", f"{s.rss_mib:.0f}", row.mbps() or "—"]
            )
            runs = f"n={s.runs}" if s is not None else ""
            note = "; ".join(x for x in (runs, row.note) if x)
            out.append(
                f"| {row.case} | {row.tool} | "
                + " | ".join(cells)
                + f" | {ratio} | {cpu_ratio} | {note} |"
            )
        return "\n".join(out) + "\n"


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ds, wg = (version(tool) or f"{tool}: unavailable" for tool in (DETECT_SECRETS, WABAGUARD))
    zizmors = (
        f"{version(pinned_zizmor())} (pinned, for the ratio); "
        f"{version(ZIZMOR) or 'no zizmor'} (installed)"
    )
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
        f"{mem:.0f} GiB RAM; Python {platform.python_version()}; "
        f"detect-secrets {ds}; {zizmors}; {wg}"
    )


@functools.cache
def version(tool: str) -> str | None:
    """The first line of ``tool --version``, or None if it does not run."""
    try:
        out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)
        return out.stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return None


def pinned_zizmor() -> str:
    return str(_corpus.peer_tool(_corpus.ZIZMOR_PINNED))


def _files_list(root: Path) -> Path:
    """Every file under root, for ``--files-from`` (a .cache tree is git-ignored, and a
    directory argument would respect that)."""
    listing = Path(tempfile.mkstemp(prefix="wabaguard-bench-", suffix=".txt")[1])
    names = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    listing.write_text("\n".join(names) + "\n", encoding="utf-8")
    return listing


def _reduced_ds(stdout: str) -> dict[tuple[str, str, str], int]:
    found: dict[tuple[str, str, str], int] = {}
    for filename, entries in json.loads(stdout)["results"].items():
        for entry in entries:
            found[(filename, entry["hashed_secret"], entry["type"])] = entry["line_number"]
    return found


def _reduced_wabaguard(root: Path, listing: Path) -> dict[tuple[str, str, str], int]:
    from wabaguard.cli.scan import run_scan
    from wabaguard.core.config import Config
    from wabaguard.credentials.builtin import BUILTIN_PLUGINS

    types = {b.secret_type for b in BUILTIN_PLUGINS if not b.generic}
    paths = listing.read_text(encoding="utf-8").split()
    result = run_scan(paths, Config(), cwd=str(root), jobs=1)
    found: dict[tuple[str, str, str], int] = {}
    for f in result.findings:
        if f.secret_type in types:
            key = (f.path, f.secret_hash, f.secret_type)
            found[key] = min(found.get(key, f.line), f.line)
    return found


def compare_findings(report: Report, label: str, root: Path, listing: Path, ds_stdout: str) -> None:
    ds = _reduced_ds(ds_stdout)
    wg = _reduced_wabaguard(root, listing)
    missing = sorted(set(ds) - set(wg))
    extra = sorted(set(wg) - set(ds))
    moved = sorted(k for k in set(ds) & set(wg) if ds[k] != wg[k])
    same = not (missing or extra or moved)
    text = (
        f"{label}: detect-secrets {len(ds)} secrets, wabaguard {len(wg)} on the same plugins;"
        f" {'identical' if same else 'DIFFERENT'} (missed by wabaguard {len(missing)}, "
        f"only wabaguard {len(extra)}, other first line {len(moved)})"
    )
    for key in (missing + extra + moved)[:10]:
        text += f"\n    {key}: detect-secrets line {ds.get(key)}, wabaguard line {wg.get(key)}"
    print("  " + text)
    report.notes.append(text)


# wabaguard's default plugin set: detect-secrets' generic plugins only come with --entropy.
SAME_PLUGINS = [
    arg
    for name in (
        "Base64HighEntropyString",
        "HexHighEntropyString",
        "KeywordDetector",
        "IPPublicDetector",
    )
    for arg in ("--disable-plugin", name)
]


def ds_scan_cmd(target: str, cores: int | None = None) -> list[str]:
    cores_args = ["--cores", str(cores)] if cores is not None else []  # a top-level option
    return [
        DETECT_SECRETS,
        *cores_args,
        "scan",
        "--all-files",
        "--no-verify",
        *SAME_PLUGINS,
        target,
    ]


# -- the cases ---------------------------------------------------------------------------------


def hook_case(report: Report, runs: int) -> None:
    files = [str(p) for p in _corpus.hook_files()]
    nbytes = sum(Path(f).stat().st_size for f in files)
    lines = sum(Path(f).read_text(encoding="utf-8").count("\n") for f in files)
    case = f"(a) hook: 5 files, {nbytes // 1024} KB, {lines} lines"
    ds = report.add(
        Row(
            case,
            "detect-secrets-hook",
            measure([DS_HOOK, "--no-verify", *SAME_PLUGINS, *files], runs=max(runs, 5)),
            nbytes,
        )
    )
    report.add(
        Row(
            case,
            "wabaguard scan",
            measure([WABAGUARD, "scan", "--no-progress", *files], runs=max(runs, 5)),
            nbytes,
            ds.tool,
        )
    )
    report.add(
        Row(
            case,
            f"{version(pinned_zizmor())} (one workflow, reference)",
            measure(
                [
                    pinned_zizmor(),
                    "--offline",
                    "--no-progress",
                    str(
                        next(
                            iter(
                                sorted(
                                    (_corpus.REPO / "tests" / "fixtures" / "workflows").glob(
                                        "*.yml"
                                    )
                                )
                            )
                        )
                    ),
                ],
                runs=max(runs, 5),
            ),
        )
    )


def startup_case(report: Report, runs: int) -> None:
    case = "(b) start-up"
    base = report.add(Row(case, "python -c pass", measure([PY, "-c", "pass"], runs=max(runs, 5))))
    report.add(
        Row(
            case,
            "import detect_secrets",
            measure([PY, "-c", "import detect_secrets"], runs=max(runs, 5)),
            ratio_of=base.tool,
        )
    )
    report.add(
        Row(
            case,
            "import wabaguard.cli",
            measure([PY, "-c", "import wabaguard.cli"], runs=max(runs, 5)),
            ratio_of=base.tool,
        )
    )
    files = [str(p) for p in _corpus.hook_files()]
    probe = (
        "import sys; from wabaguard.cli import main; main(['scan', '--no-progress', *sys.argv"
        "[1:]]); print('requests imported:', 'requests' in sys.modules,"
        " '| detect_secrets imported:', 'detect_secrets' in sys.modules, file=sys.stderr)"
    )
    proc = subprocess.run([PY, "-c", probe, *files], capture_output=True, text=True, check=False)
    text = f"clean commit (the 5 hook files): {proc.stderr.strip().splitlines()[-1]}"
    print("  " + text)
    report.notes.append(text)


def full_scan_case(report: Report, name: str, runs: int, ds_runs: int) -> None:
    root = _corpus.real_corpus(name)
    listing = _files_list(root)
    nbytes = _corpus.tree_bytes(root)
    count = len(listing.read_text().split())
    case = f"(c) full scan: {name} ({nbytes / MIB:.1f} MB, {count} files)"
    ds_out = Path(tempfile.mkstemp(prefix="ds-", suffix=".json")[1])
    with ds_out.open("w") as fh:  # once, untimed, for its findings
        subprocess.run(ds_scan_cmd(".", 2), cwd=root, stdout=fh, check=True)
    for jobs in (1, 2):
        ds = report.add(
            Row(
                case,
                f"detect-secrets scan --cores {jobs}",
                measure(ds_scan_cmd(".", jobs), runs=ds_runs, cwd=str(root), warmup=False),
                nbytes,
            )
        )
        report.add(
            Row(
                case,
                f"wabaguard scan --jobs {jobs}",
                measure(
                    [
                        WABAGUARD,
                        "scan",
                        "--no-progress",
                        "--jobs",
                        str(jobs),
                        "--format",
                        "json",
                        "--files-from",
                        str(listing),
                    ],
                    runs=runs,
                    cwd=str(root),
                ),
                nbytes,
                ds.tool,
            )
        )
    report.add(
        Row(
            case,
            "wabaguard scan (default jobs)",
            measure(
                [
                    WABAGUARD,
                    "scan",
                    "--no-progress",
                    "--format",
                    "json",
                    "--files-from",
                    str(listing),
                ],
                runs=runs,
                cwd=str(root),
            ),
            nbytes,
            "detect-secrets scan --cores 2",
        )
    )
    compare_findings(report, name, root, listing, ds_out.read_text())


def pathological_case(report: Report, runs: int, ds_large: bool) -> None:
    line = _corpus.minified_line()
    nbytes = line.stat().st_size
    case = f"(d) one minified line, {nbytes / MIB:.0f} MB"
    ds = report.add(
        Row(
            case,
            "detect-secrets scan",
            measure(ds_scan_cmd(str(line)), runs=runs, warmup=False),
            nbytes,
        )
    )
    report.add(
        Row(
            case,
            "wabaguard scan",
            measure(
                [WABAGUARD, "scan", "--no-progress", "--max-file-size", str(200 * MIB), str(line)],
                runs=runs,
            ),
            nbytes,
            ds.tool,
            "goal ≤ 0.5 s, ≤ 100 MiB",
        )
    )
    mixed = _corpus.mixed_file()
    nbytes = mixed.stat().st_size
    case = f"(d) one mixed file, {nbytes / MIB:.0f} MB"
    ds_row = report.add(
        Row(
            case,
            "detect-secrets scan",
            measure(ds_scan_cmd(str(mixed)), runs=1, warmup=False) if ds_large else None,
            nbytes,
            note="" if ds_large else "skipped with --quick (about two minutes a run)",
        )
    )
    report.add(
        Row(
            case,
            "wabaguard scan",
            measure(
                [WABAGUARD, "scan", "--no-progress", "--max-file-size", str(200 * MIB), str(mixed)],
                runs=runs,
            ),
            nbytes,
            ds_row.tool if ds_large else "",
            "goal: peak RSS ≤ 100 MiB",
        )
    )


def workflows_case(report: Report, runs: int) -> None:
    # The pinned zizmor is the peer of the goal; the installed one (a newer release was slower)
    # is measured in the same run for reference, each with its own ratio row.
    peers = [(pinned_zizmor(), "pinned")]
    installed = version(ZIZMOR)
    if installed is None:
        report.notes.append(f"installed zizmor: `{ZIZMOR}` does not run; only the pinned one")
    elif installed == version(peers[0][0]):
        report.notes.append(f"installed zizmor: the pinned version ({installed}); one row")
    else:
        peers.append((ZIZMOR, "installed"))
    for with_fixtures, label, goal in (
        (False, "real", "goal ≤ 2× zizmor"),
        (True, "real + leaky fixtures", "every rule fires; no goal"),
    ):
        root, count, where = _corpus.workflows_dir(with_fixtures)
        listing = _files_list(root)
        nbytes = _corpus.tree_bytes(root)
        case = f"(e) {count} workflow files, {label}"
        peer_rows = [
            report.add(
                Row(
                    case,
                    f"{version(exe)} --offline ({kind})",
                    measure([exe, "--offline", "--no-progress", "."], runs=runs, cwd=str(root)),
                    nbytes,
                )
            )
            for exe, kind in peers
        ]
        stats = measure(
            [WABAGUARD, "scan", "--no-progress", "--files-from", str(listing)],
            runs=runs,
            cwd=str(root),
        )
        for index, peer in enumerate(peer_rows):
            tool = "wabaguard scan" if index == 0 else "wabaguard scan (same runs)"
            report.add(
                Row(
                    case,
                    tool,
                    stats,
                    nbytes,
                    peer.tool,
                    goal if index == 0 else "reference: the installed zizmor",
                )
            )
        report.notes.append(f"workflow directory ({label}): {where}")
        print("  " + report.notes[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="ansible-core only, one run of the slow peer cases"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (median)")
    parser.add_argument("--only", default="abcde", help="cases to run, e.g. 'ad'")
    args = parser.parse_args(argv)
    runs = max(1, args.runs)
    ds_runs = 1 if args.quick else runs
    report = Report()
    print(machine(), flush=True)
    if "a" in args.only:
        hook_case(report, runs)
    if "b" in args.only:
        startup_case(report, runs)
    if "c" in args.only:
        for name in ("ansible_core",) if args.quick else ("sympy", "ansible_core"):
            full_scan_case(report, name, runs, ds_runs)
    if "d" in args.only:
        pathological_case(report, 1 if args.quick else runs, ds_large=not args.quick)
    if "e" in args.only:
        workflows_case(report, runs)
    table = report.markdown()
    notes = "".join(f"- {n}\n" for n in report.notes)
    text = f"Machine: {machine()}\n\n{table}\n{notes}"
    out = _corpus.HERE / "results" / "latest.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print("\n" + text)
    print(f"(written to {out.relative_to(_corpus.REPO)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
