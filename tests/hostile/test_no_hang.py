"""Pathological inputs finish: each scan runs in a child under a wall-clock guard.

The guard (120 s, wall-clock) is a hang detector, not a performance assertion: these inputs
take at most a few seconds of CPU when every pass over them is linear (the slowest, ~6 s, is
``many-short-lines``), and minutes or hours when one is not; the margin is for busy machines.
``benchmarks/pathological.py`` records the actual growth.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_util import Run, expected_exit, many_step_workflow, wabaguard, wabaguard_or_none

GUARD_S = 120.0
LINE = 100_000  # characters in each near-match line
BIG = 60_000_000  # --max-file-size high enough that nothing here is skipped for size


def _line(unit: str, size: int = LINE) -> str:
    return (unit * (size // len(unit) + 1))[:size] + "\n"


def _minified(size: int) -> str:
    unit = 'var a0=1,b1="x",c2={k:[1,2,3]};function f(q){return q&&q.v||"EAA"+a0}'
    return _line(unit, size)


# name -> (file name, content). Near-matches for every detector family and prefilter.
CASES: dict[str, tuple[str, Callable[[], str]]] = {
    "minified-5MB-single-line": ("bundle.min.js", lambda: _minified(5_000_000)),
    "EAA-then-alphanumerics": ("a.txt", lambda: "EAA" + _line("aB3", LINE)),
    "EAA-repeated": ("a.txt", lambda: _line("EAA")),
    "EAA-token-like-words": ("a.txt", lambda: _line("EAA" + "x1" * 40 + " ")),
    "D360-API-KEY-prefixes": ("a.env", lambda: _line("D360-API-KEY:")),
    "D360-API-KEY-spaced": ("a.env", lambda: _line("D360-API-KEY: ")),
    "expression-opener-without-closer": ("a.yml", lambda: _line("${{")),
    "expression-opener-secrets": ("a.yml", lambda: _line("${{ secrets.")),
    "hex-run": ("a.txt", lambda: _line("a1b2c3d4e5f6")),
    "hex-uuid-like": ("a.txt", lambda: _line("0123abcd-4abc-8def-")),
    "scheme-without-at": ("a.txt", lambda: _line("://")),
    "url-with-user-no-at": ("a.txt", lambda: _line("https://user:")),
    "access-token-assignments": ("a.env", lambda: _line("access_token=")),
    "verify-token-assignments": ("a.env", lambda: _line("verify_token=")),
    "whatsapp-keyword": ("a.env", lambda: _line("WHATSAPP_TOKEN_")),
    "app-token-pipes": ("a.txt", lambda: _line("1|")),
    "infobip-like": ("a.txt", lambda: _line("-4abc-8")),
    "green-api-instance": ("a.txt", lambda: _line("waInstance1")),
    "JWT-openers": ("a.txt", lambda: _line("eyJ")),
    "AKIA-repeated": ("a.txt", lambda: _line("AKIA")),
    "private-key-header": ("a.txt", lambda: _line("-----BEGIN ")),
    "angle-brackets": ("a.txt", lambda: _line("<")),
    "quotes": ("a.txt", lambda: _line("\"'`")),
    "backslashes": ("a.txt", lambda: _line("\\")),
    "ignore-comment-prefix": ("a.py", lambda: _line("# wabaguard: ignore[")),
    "many-short-lines": ("a.txt", lambda: "EAA\n" * 500_000),
    "deeply-nested-json": ("a.json", lambda: "[" * 200_000 + "]" * 200_000 + "\n"),
    "deeply-nested-json-objects": ("a.json", lambda: '{"a":' * 100_000 + "1" + "}" * 100_000),
    "carriage-returns-only": ("a.txt", lambda: "x = 1\r" * 200_000),
    "quoted-token-assignments": ("a.env", lambda: _line('token="')),
    "bearer-headers": ("a.env", lambda: _line("Authorization: Bearer ")),
    "mint-command-words": ("a.sh", lambda: _line("mint")),
    # Quadratic before the engine bounded the work on lines over 16 KiB (windows around hits).
    "scheme-without-at-1MB": ("a.txt", lambda: _line("://", 1_000_000)),
    "JWT-openers-1MB": ("a.txt", lambda: _line("eyJ", 1_000_000)),
    # Quadratic until the engine parsed the ignore comment once per line and checked overlaps
    # by binary search (~13,000 matches on one line), and BasicAuth's prefilter became linear.
    "near-matches-3MB-single-line": ("near.txt", lambda: _near_matches(3_000_000)),
    "scheme-without-at-16k-lines-2MB": ("a.txt", lambda: _line("://", 16_000) * 125),
}


def _near_matches(size: int) -> str:
    """Every detector's near-match in turn on one line: thousands of findings per MB."""
    unit = (
        "EAA" + "aB3" * 30 + " D360-API-KEY: D360-API-KEY: ${{ ${{ secrets. a1b2c3d4e5f6a1b2 "
        'token="x" Authorization: Bearer waInstance1 1|x -4abc-8 AKIA access_token= '
    )
    return _line(unit, size)


def _check_sane(run_doc: dict[str, object], expected_scanned: int = 1) -> None:
    stats = run_doc["stats"]
    assert isinstance(stats, dict)
    assert stats["files_scanned"] == expected_scanned, run_doc
    findings = run_doc["findings"]
    assert isinstance(findings, list)
    for f in findings:
        assert f["line"] >= 1 and f["column"] >= 1
        assert (f["end_line"], f["end_column"]) >= (f["line"], f["column"])
        assert len(f["snippet"]) <= 310  # snippets are capped, never the whole 5 MB line


def _scan_case(root: Path, target: str, case: str) -> Run:
    """Scan in a guarded child; one test per case, so pytest-xdist spreads them over cores."""
    run = wabaguard_or_none(
        root, "scan", "--format", "json", "--max-file-size", str(BIG), target, timeout=GUARD_S
    )
    if run is None:
        pytest.fail(f"{case}: the scan did not finish within {GUARD_S}s (hang guard)")
    return run


# Several seconds each, in a real scan of megabytes: the quick subset (-m "not slow") skips them.
SLOW_CASES = {"many-short-lines", "near-matches-3MB-single-line", "JWT-openers-1MB"}
assert set(CASES) >= SLOW_CASES, "a slow case that no longer exists"


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.slow) if c in SLOW_CASES else c for c in sorted(CASES)],
)
def test_pathological_file_finishes(tmp_path: Path, case: str) -> None:
    name, build = CASES[case]
    (tmp_path / name).write_text(build(), encoding="utf-8")
    run = _scan_case(tmp_path, name, case)
    assert run.code == expected_exit(run.json()), run.err
    assert "Traceback" not in run.err
    doc = run.json()
    assert doc["errors"] == [], doc["errors"]
    _check_sane(doc)


def test_workflow_with_10000_steps(tmp_path: Path) -> None:
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "many.yml").write_text(many_step_workflow(10_000), encoding="utf-8")
    run = wabaguard(tmp_path, "scan", "--format", "json", "--max-file-size", str(BIG), ".")
    assert run.code == expected_exit(run.json()), run.err
    doc = run.json()
    _check_sane(doc)
    # Either analysed (findings or none) or refused with a reason: never silently dropped.
    assert all(e["path"] == ".github/workflows/many.yml" for e in doc["errors"])


_STEP = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: "
WORKFLOW_CASES: dict[str, Callable[[], str]] = {
    "nested-flow-sequences": lambda: "on: push\njobs: " + "[" * 50_000 + "]" * 50_000 + "\n",
    "nested-flow-mappings": lambda: "on: push\njobs: " + "{a: " * 20_000 + "1" + "}" * 20_000,
    "nested-block-mappings": lambda: (
        "on: push\njobs:\n" + "".join(" " * (2 * i + 2) + f"k{i}:\n" for i in range(2_000))
    ),
    "endless-expression": lambda: "on: push\njobs:\n  a:\n    run: " + "${{ " * 30_000 + "\n",
    "long-run-script": lambda: _STEP + "|\n" + "          echo $((((1))))\n" * 20_000,
    "long-command-word": lambda: _STEP + "mint" * 25_000 + "\n",
    "deep-shell-nesting": lambda: _STEP + "$(" * 5_000 + "x" + ")" * 5_000 + "\n",
    "deep-shell-subshells": lambda: _STEP + "(" * 5_000 + "x" + ")" * 5_000 + "\n",
    "endless-expression-in-run": lambda: _STEP + "${{ secrets." * 20_000 + "\n",
}


@pytest.mark.parametrize("case", sorted(WORKFLOW_CASES))
def test_hostile_workflow_finishes(tmp_path: Path, case: str) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "x.yml").write_text(
        WORKFLOW_CASES[case](), encoding="utf-8"
    )
    run = _scan_case(tmp_path, ".", case)
    assert run.code == expected_exit(run.json()), run.err
    assert "Traceback" not in run.err
    doc = run.json()
    _check_sane(doc)
    for error in doc["errors"]:
        assert error["path"] == ".github/workflows/x.yml"
        assert "internal error" not in error["message"], error
