"""Catastrophic-backtracking audit of every regex wabaguard runs on scanned text.

Run as a script it prints one JSON object per line: ``{"start": id}`` before timing a
pattern (so a parent that kills a hung run knows the culprit), then ``{"result": ...}``.

Method: for each pattern, adversarial inputs are built from the pattern itself (its literal
runs, a representative of each character class, each literal followed by long runs of each
representative) plus a fixed set of near-matches from the issue (``EAA`` + alphanumerics,
``D360-API-KEY:`` repeated, ``${{`` without ``}}``, hex runs, ``://`` without ``@``...). Each
input is repeated to 1k, 10k and 100k characters and ``finditer`` is consumed over it (every
start position is tried, which is what ``search`` does on a miss). Time that grows ~10x per
10x is linear; ~100x is quadratic. Ratios are compared within one run, never with a clock
budget, so a slow machine does not fail it; only a generous factor does.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import pkgutil
import re
import sys
import time
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

try:
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re._constants import (  # type: ignore[import-not-found]
        ANY,
        CATEGORY,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        NEGATE,
        RANGE,
        SUBPATTERN,
    )
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]
    from sre_constants import (  # type: ignore[no-redef]
        ANY,
        CATEGORY,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        NEGATE,
        RANGE,
        SUBPATTERN,
    )

SIZES = (1_000, 10_000, 100_000)
# A 10x longer input may cost this much more before the pattern is called super-linear
# (linear is ~10, quadratic ~100; timing noise and cache effects stay well under 35).
RATIO_LIMIT = 35.0
# Below this the 10k time is too small to call the pattern quadratic from 1k -> 10k alone.
EARLY_SECONDS = 0.02
# Below this the 100k time is noise-level whatever the ratio: not reported. (A quadratic
# pattern at 100k characters costs ~10^9-10^10 steps: seconds, far above this.)
MIN_SECONDS = 0.1
# Screening: inputs are first timed at these sizes; only growth above SCREEN_RATIO (4x input:
# linear ~4, quadratic ~16) is confirmed at the full sizes.
SCREEN = (2_000, 8_000)
SCREEN_RATIO = 9.0

MAX_UNITS = 120
FIXED_UNITS = (
    "a", "A", "0", "f", "Z", " ", "\t", "-", "_", ".", ":", "=", "/", '"', "'", "`", "<", "{",
    "\\", "@", "a.", "a-", "a_", "1:", "a=", "a:", "aB3", "EAA", "EAAB", "EAAx1",
    "D360-API-KEY:", "D360-API-KEY: ", "${{", "${{ secrets.", "://", "https://u:",
    "a1b2c3" + "d4e5f6",
    "eyJ", "eyJa.", "AKIA", "token=", 'token="', "Bearer ", "Authorization: Bearer ",
    "api_key: ", "ghp_", "-----BEGIN ", "$(", "${", "`", "<<", "\\\n", "#", "//",
)  # fmt: skip


@dataclass(frozen=True)
class Result:
    origin: str
    pattern: str
    unit: str
    times: tuple[float, ...]  # for 1k, 10k (and 100k unless 10k already settled it)

    @property
    def ratio(self) -> float:
        return self.times[-1] / max(self.times[-2], 1e-9)

    @property
    def super_linear(self) -> bool:
        floor = MIN_SECONDS if len(self.times) == len(SIZES) else EARLY_SECONDS
        return self.times[-1] >= floor and self.ratio > RATIO_LIMIT


# -- which patterns ------------------------------------------------------------------------


def _walk_modules(package: str) -> Iterator[Any]:
    module = importlib.import_module(package)
    yield module
    path = getattr(module, "__path__", None)
    if path is None:
        return
    for info in pkgutil.walk_packages(path, package + "."):
        try:
            yield importlib.import_module(info.name)
        except Exception:  # a module another engineer is halfway through; audited next run
            continue


def _patterns_in(value: Any, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield value
        return
    if depth >= 3 or isinstance(value, (str, bytes, int, float, type(None), types.ModuleType)):
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from _patterns_in(item, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _patterns_in(item, depth + 1)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        for item in vars(value).values():
            yield from _patterns_in(item, depth + 1)
    elif hasattr(value, "__slots__"):
        for slot in value.__slots__:
            yield from _patterns_in(getattr(value, slot, None), depth + 1)


def collect() -> list[tuple[str, re.Pattern[str]]]:
    """(origin, pattern) for every compiled pattern reachable from scanned-text code."""
    from wabaguard.builtin import BUILTIN_PLUGINS
    from wabaguard.config import Config
    from wabaguard.detectors import all_detectors
    from wabaguard.engine import Engine

    found: dict[tuple[str, int], tuple[str, re.Pattern[str]]] = {}

    def add(origin: str, pattern: re.Pattern[str]) -> None:
        found.setdefault((pattern.pattern, pattern.flags), (origin, pattern))

    for package in (
        "wabaguard.detectors",
        "wabaguard.workflows",
        "wabaguard.engine",
        "wabaguard.ds_pipeline",
        "wabaguard.scan",
        "wabaguard.redact",
    ):
        for module in _walk_modules(package):
            for name, value in vars(module).items():
                if isinstance(value, type) and value.__module__ == module.__name__:
                    for attr, inner in vars(value).items():
                        for p in _patterns_in(inner):
                            add(f"{module.__name__}.{name}.{attr}", p)
                elif isinstance(value, re.Pattern) or not (
                    callable(value) or isinstance(value, types.ModuleType)
                ):
                    for p in _patterns_in(value):
                        add(f"{module.__name__}.{name}", p)
    for detector in all_detectors():
        add(f"{type(detector).__module__}.{type(detector).__name__}.prefilter", detector.prefilter)
        for p in _patterns_in(detector):
            add(f"{type(detector).__module__}.{type(detector).__name__}", p)
    for plugin in BUILTIN_PLUGINS:
        if plugin.prefilter is not None:
            add(f"wabaguard.builtin.{plugin.class_name}.prefilter", re.compile(plugin.prefilter))
    for entropy in (False, True):
        engine = Engine(Config(entropy=entropy), all_detectors())
        if engine.prefilter is not None:
            add(f"wabaguard.engine.Engine.prefilter(entropy={entropy})", engine.prefilter)
    for origin, p in _detect_secrets_patterns():
        add(origin, p)
    return sorted(found.values(), key=lambda item: item[0])


def _detect_secrets_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """The denylists of the detect-secrets plugins our candidate lines are handed to."""
    try:
        import detect_secrets.plugins as plugins_pkg
    except ImportError:  # pragma: no cover
        return
    from wabaguard.builtin import BUILTIN_PLUGINS

    wanted = {b.class_name for b in BUILTIN_PLUGINS if not b.generic}
    for module in _walk_modules(plugins_pkg.__name__):
        for name, value in vars(module).items():
            if name in wanted and isinstance(value, type):
                for attr in ("denylist",):
                    for p in _patterns_in(getattr(value, attr, ())):
                        yield f"{module.__name__}.{name}.{attr} (third-party)", p


# -- adversarial inputs --------------------------------------------------------------------


def _representative(items: list[tuple[Any, Any]]) -> Iterator[str]:
    negate = any(op is NEGATE for op, _ in items)
    if negate:
        excluded: set[int] = set()
        for op, av in items:
            if op is LITERAL:
                excluded.add(av)
            elif op is RANGE:
                excluded.update(range(av[0], av[1] + 1))
        for char in "aA0 -_.:/=x":
            if ord(char) not in excluded:
                yield char
                return
        return
    for op, av in items:
        if op is LITERAL:
            yield chr(av)
        elif op is RANGE:
            yield chr(av[0])
            if av[1] - av[0] > 4:
                yield chr(av[0] + 3)
        elif op is CATEGORY:
            name = str(av).lower()
            yield {"digit": "7", "space": " ", "word": "w"}.get(
                next((k for k in ("digit", "space", "word") if k in name), ""), "x"
            )


def _pieces(parsed: Any, literals: list[str], reps: list[str], current: list[str]) -> None:
    for op, av in parsed:
        if op is LITERAL:
            current.append(chr(av))
            continue
        if current:
            literals.append("".join(current))
            current.clear()
        if op is IN:
            reps.extend(_representative(list(av)))
        elif op is ANY:
            reps.append("x")
        elif op in (MAX_REPEAT, MIN_REPEAT):
            _pieces(av[2], literals, reps, [])
        elif op is SUBPATTERN:
            _pieces(av[-1], literals, reps, [])
        elif isinstance(av, (list, tuple)):
            for item in av:
                if isinstance(item, sre_parse.SubPattern):
                    _pieces(item, literals, reps, [])
                elif isinstance(item, (list, tuple)):
                    for sub in item:
                        if isinstance(sub, sre_parse.SubPattern):
                            _pieces(sub, literals, reps, [])
    if current:
        literals.append("".join(current))
        current.clear()


def units_for(pattern: re.Pattern[str]) -> list[str]:
    """Repeatable units that nearly match ``pattern``."""
    literals: list[str] = []
    reps: list[str] = []
    with contextlib.suppress(Exception):  # an exotic construct: the fixed units still apply
        _pieces(sre_parse.parse(pattern.pattern, pattern.flags), literals, reps, [])
    literals = [s for s in dict.fromkeys(literals) if s.strip("\n")][:20]
    reps = [c for c in dict.fromkeys(reps) if c != "\n"][:12]
    units: list[str] = list(FIXED_UNITS)
    units += literals + reps
    for lit in literals:
        for rep in reps[:6]:
            units.append(lit + rep)
            units.append(lit + rep * 16 + " ")
    for a in reps[:6]:
        for b in reps[:6]:
            if a != b:
                units.append(a + b)
    return list(dict.fromkeys(u for u in units if u))[:MAX_UNITS]


def build(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def build_long_run(unit: str, size: int) -> str:
    """One start followed by a long run: ``EAA`` + 100k alphanumerics."""
    return unit + build(unit[-1], size - len(unit))


def _time(pattern: re.Pattern[str], text: str, repeat: int = 2) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for _ in pattern.finditer(text):
            pass
        pattern.match(text)
        best = min(best, time.process_time() - started)
    return best


def _grows(pattern: re.Pattern[str], builder: Any, unit: str, sizes: tuple[int, ...]) -> Result:
    times = tuple(_time(pattern, builder(unit, n)) for n in sizes)
    return Result("", pattern.pattern, builder.__name__ + ":" + unit, times)


def audit_pattern(origin: str, pattern: re.Pattern[str]) -> Iterator[Result]:
    """A witness input on which ``pattern`` grows super-linearly, if one is found."""
    for unit in units_for(pattern):
        for builder in (build, build_long_run):
            small, large = (_time(pattern, builder(unit, n), repeat=1) for n in SCREEN)
            if large < 0.002 or large / max(small, 1e-9) < SCREEN_RATIO:
                continue
            # 1k -> 10k first: a quadratic pattern is usually plain there, and 100k of it
            # could take minutes. Anything slow is confirmed by a second, independent
            # measurement: a context switch can cost more than a linear 100k search.
            early = _grows(pattern, builder, unit, SIZES[:2])
            if early.super_linear and _grows(pattern, builder, unit, SIZES[:2]).super_linear:
                result = early
            else:
                full = _grows(pattern, builder, unit, SIZES)
                if full.super_linear and full.times[-1] < 1.0:
                    full = _grows(pattern, builder, unit, SIZES)
                result = full
            if result.super_linear:
                yield Result(origin, result.pattern, result.unit, result.times)
                return  # one witness per pattern is enough


def main(argv: Iterable[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("origins", nargs="*", help="audit only these patterns")
    parser.add_argument("--shard", default="0/1", help="I/K: every K-th pattern, from the I-th")
    parser.add_argument("--skip", action="append", default=[], help="leave this pattern out")
    args = parser.parse_args(list(argv))
    index, count = (int(part) for part in args.shard.split("/"))
    wanted, skipped = set(args.origins), set(args.skip)
    for position, (origin, pattern) in enumerate(collect()):
        if position % count != index or origin in skipped or (wanted and origin not in wanted):
            continue
        print(json.dumps({"start": origin, "pattern": pattern.pattern}), flush=True)
        for result in audit_pattern(origin, pattern):
            print(
                json.dumps(
                    {
                        "result": origin,
                        "pattern": result.pattern,
                        "unit": result.unit,
                        "times": result.times,
                    }
                ),
                flush=True,
            )
    print(json.dumps({"done": True}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
