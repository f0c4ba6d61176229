"""Complexity, not speed: how the cost of a call grows with its input, measured in one test.

Tests never assert seconds (a busy or slow machine fails them; speed is measured in
``benchmarks/``). They compare the cost of the same call on two input sizes instead:

* ``steps(fn)`` counts the Python and C function calls ``fn`` makes (``sys.setprofile``):
  exact and repeatable on any machine, for code whose work is Python-level.
* ``cpu_seconds(fn)`` is the best of a few runs in process CPU time (not wall-clock time, so
  other processes on the machine do not count), for work inside C code such as a regex scan,
  where no Python call marks the steps.

``growth(cost_small, cost_large, factor)`` divides the ratio of the two by the size factor:
about 1 (or less, with fixed costs) for linear work, about ``factor`` for quadratic work.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

# For a 10x larger input: linear work grows ~10x (growth ~1), n log n ~13x, quadratic ~100x
# (growth ~10). Timings need a wider margin than counts: caches and allocation shift them.
STEPS_LIMIT = 2.0
CPU_LIMIT = 3.5


def steps(fn: Callable[[], object]) -> int:
    """The number of function calls (Python and C) made while running ``fn``."""
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(previous)
    return count


def call_depth(fn: Callable[[], object]) -> int:
    """How deep the Python call stack grew, below ``fn``'s own frame, while running ``fn``."""
    depth = deepest = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal depth, deepest
        if event == "call":
            depth += 1
            deepest = max(deepest, depth)
        elif event == "return":
            depth -= 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(previous)
    return deepest


def cpu_seconds(fn: Callable[[], object], repeat: int = 3, floor: float = 0.005) -> float:
    """CPU seconds of one call of ``fn``: the best of ``repeat`` measurements, each of which
    repeats the call until it lasts ``floor`` (so a call of microseconds is not timer noise)."""

    def measure(number: int) -> float:
        started = time.process_time()
        for _ in range(number):
            fn()
        return time.process_time() - started

    enabled = gc.isenabled()
    gc.collect()
    gc.disable()  # a collection triggered by earlier garbage is not the call's cost
    try:
        number = 1
        elapsed = measure(number)
        while elapsed < floor and number < 100_000:
            number *= 10
            elapsed = measure(number)
        best = elapsed / number
        for _ in range(repeat - 1):
            best = min(best, measure(number) / number)
    finally:
        if enabled:
            gc.enable()
    return max(best, 1e-9)


def growth(small: float, large: float, factor: float) -> float:
    """How much faster than linear the cost grew from ``small`` to ``large`` (``factor`` x)."""
    return large / (small * factor)
