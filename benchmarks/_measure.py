"""Run a command several times; report medians of wall time, CPU time and peak RSS.

Each run is one child process, waited for with ``os.wait4`` so its own resource usage (CPU
of the process and the children it waited for; peak RSS of the largest of them) is exact.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Stats:
    wall: float  # seconds, median
    cpu: float  # user + system seconds, median
    rss_mib: float  # peak resident set of the largest process, MiB, median
    runs: int
    exit_codes: tuple[int, ...]


def run_once(
    cmd: Sequence[str], cwd: str | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, float, int]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def measure(
    cmd: Sequence[str],
    *,
    runs: int,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    warmup: bool = True,
) -> Stats:
    if warmup:  # page cache and .pyc files, so the first timed run is not an outlier
        run_once(cmd, cwd, env)
    samples = [run_once(cmd, cwd, env) for _ in range(runs)]
    return Stats(
        wall=statistics.median(s[0] for s in samples),
        cpu=statistics.median(s[1] for s in samples),
        rss_mib=statistics.median(s[2] for s in samples),
        runs=runs,
        exit_codes=tuple(s[3] for s in samples),
    )
