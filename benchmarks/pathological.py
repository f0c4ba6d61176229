"""Scan time and peak RSS versus input size for pathological inputs: growth must be linear.

    python benchmarks/pathological.py                 # the full table (a few minutes)
    python benchmarks/pathological.py --quick         # smaller sizes
    python benchmarks/pathological.py --open          # also the known-quadratic inputs
    python benchmarks/pathological.py --json out.json

Each scan runs ``wabaguard scan --format json`` in a fresh child process (so the RSS is that
scan's alone) under a timeout; the table shows seconds, peak RSS and seconds per MB (or per
1k steps). Linear growth shows as a flat last column; quadratic growth doubles it with each
doubling of the input.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The hostile-input tests and this benchmark generate the same workflows.
sys.path.insert(0, str(REPO / "tests" / "hostile"))
from hostile_util import many_step_workflow  # noqa: E402

MB = 1_000_000

# Peak RSS of the scan alone: VmHWM is reset by exec, ru_maxrss is not (on Linux it still
# holds the parent's size at fork time), so it is only the fallback.
_CHILD = (
    "import resource, sys\n"
    "from wabaguard.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "try:\n"
    "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
    "    kb = int(hwm[0].split()[1])\n"
    "except (OSError, IndexError):\n"
    "    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "sys.stderr.write('\\nRSS_KB=%d\\n' % kb)\n"
    "sys.exit(rc)\n"
)


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def minified(size: int) -> str:
    unit = 'var a0=1,b1="x",c2={k:[1,2,3]};function f(q){return q&&q.v||"EAA"+a0}'
    return _repeat(unit, size) + "\n"


def near_matches(size: int) -> str:
    """Every linear near-match from the hostile-input battery, in turn, on one line."""
    unit = (
        "EAA" + "aB3" * 30 + " D360-API-KEY: D360-API-KEY: ${{ ${{ secrets. a1b2c3d4e5f6a1b2 "
        'token="x" Authorization: Bearer waInstance1 1|x -4abc-8 AKIA access_token= '
    )
    return _repeat(unit, size) + "\n"


def scheme_without_at(size: int) -> str:
    return _repeat("://", size) + "\n"


def jwt_openers(size: int) -> str:
    return _repeat("eyJ", size) + "\n"


def mixed(size: int) -> str:
    """Ordinary code with a credential-looking line now and then."""
    block = (
        "import os\n"
        "def handler(event, context):\n"
        '    token = os.environ["WHATSAPP_TOKEN"]\n'
        "    url = f\"https://graph.facebook.com/v19.0/{event['id']}/messages\"\n"
        '    headers = {"Authorization": f"Bearer {token}"}\n'
        "    return requests.post(url, headers=headers, json=event, timeout=10)\n"
        "# D360-API-KEY is read from the environment; verify_token too\n"
        'VERIFY = os.getenv("VERIFY_TOKEN", "")\n'
        "x = [i * 2 for i in range(100)]  # aws s3 cp, api_key lookups, secret rotation\n"
    )
    return _repeat(block, size)


def run_one(path: Path, root: Path, timeout: float) -> tuple[float | None, int | None, int]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    args = ["scan", "--format", "json", "--max-file-size", str(200 * MB), str(path)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, None, -1
    elapsed = time.perf_counter() - started
    rss = int(proc.stderr.rsplit("RSS_KB=", 1)[1].split()[0]) if "RSS_KB=" in proc.stderr else None
    return elapsed, rss, proc.returncode


def baseline_seconds(root: Path, timeout: float) -> float:
    """Start-up and import time, subtracted so small inputs do not hide their growth."""
    empty = root / "empty.txt"
    empty.write_text("")
    times = [run_one(empty, root, timeout)[0] or 0.0 for _ in range(3)]
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--open", action="store_true", help="include known-quadratic inputs")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)

    line_sizes = [MB // 4, MB // 2, MB, 2 * MB] if args.quick else [1 * MB, 2 * MB, 5 * MB, 10 * MB]
    mixed_sizes = [2 * MB, 10 * MB] if args.quick else [10 * MB, 50 * MB]
    step_counts = [1_000, 2_000, 5_000] if args.quick else [1_000, 5_000, 10_000]
    series: list[tuple[str, str, Callable[[int], str], list[int], str]] = [
        ("minified single line", "bundle.min.js", minified, line_sizes, "MB"),
        ("mixed code file", "app.py", mixed, mixed_sizes, "MB"),
        (
            "workflow steps",
            ".github/workflows/many.yml",
            many_step_workflow,
            step_counts,
            "1k steps",
        ),
    ]
    if args.open:
        small = [MB // 10, MB // 5, MB // 2]
        series += [
            ("OPEN: near-matches line", "near.txt", near_matches, [MB // 4, MB // 2, MB], "MB"),
            ("OPEN: '://' without '@'", "a.txt", scheme_without_at, small, "MB"),
            ("OPEN: 'eyJ' repeated", "b.txt", jwt_openers, small, "MB"),
        ]
    rows = []
    with tempfile.TemporaryDirectory(prefix="wabaguard-bench-") as tmp:
        root = Path(tmp)
        startup = baseline_seconds(root, args.timeout)
        print(f"start-up (empty file): {startup:.2f} s  — subtracted below\n")
        print(f"{'case':<28} {'size':>12} {'seconds':>9} {'peak RSS MB':>12} {'s per unit':>11}")
        for label, name, build, sizes, unit in series:
            for size in sizes:
                path = root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                text = build(size)
                path.write_text(text, encoding="utf-8")
                elapsed, rss, code = run_one(path, root, args.timeout)
                per = 1_000 if unit == "1k steps" else MB
                shown = f"{size:,} steps" if unit == "1k steps" else f"{len(text) / MB:.1f} MB"
                if elapsed is None:
                    print(f"{label:<28} {shown:>12} {'TIMEOUT':>9}")
                    rows.append({"case": label, "size": size, "seconds": None})
                    continue
                net = max(elapsed - startup, 0.0)
                rss_mb = (rss or 0) / 1024
                print(
                    f"{label:<28} {shown:>12} {net:>9.2f} {rss_mb:>12.0f} "
                    f"{net / (size / per):>11.3f}"
                )
                rows.append(
                    {
                        "case": label,
                        "size": size,
                        "bytes": len(text),
                        "seconds": round(net, 3),
                        "peak_rss_mb": round(rss_mb, 1),
                        "exit_code": code,
                    }
                )
                path.unlink()
    if args.json:
        Path(args.json).write_text(json.dumps({"startup_s": startup, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
