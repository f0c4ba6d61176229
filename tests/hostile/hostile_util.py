"""Helpers for the hostile-input tests: run wabaguard in a guarded child, build hostile trees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FORMATS = ("text", "json", "sarif", "github", "markdown")


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.out)


def expected_exit(doc: Any) -> int:
    """The documented exit code for a JSON report: 1 for findings (at the default fail-on),
    else 2 when a file could not be analysed (an error, not a warning), else 0."""
    if doc["findings"]:
        return 1
    return 2 if any(e["level"] == "error" for e in doc["errors"]) else 0


def child_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "WABAGUARD_DEBUG", "GITHUB_STEP_SUMMARY")
    }
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), *filter(None, [env.get("PYTHONPATH")])])
    env.update(extra)
    return env


def wabaguard(cwd: Path, *args: str, timeout: float = 30.0, **env: str) -> Run:
    """``python -m wabaguard ARGS`` in ``cwd``; a hang past ``timeout`` fails the test."""
    import pytest

    run = wabaguard_or_none(cwd, *args, timeout=timeout, **env)
    if run is None:
        pytest.fail(f"wabaguard {' '.join(args)} did not finish within {timeout}s (hang guard)")
    return run


def wabaguard_or_none(cwd: Path, *args: str, timeout: float = 30.0, **env: str) -> Run | None:
    """Like ``wabaguard`` but returns None on a hang (for runs started from a fixture)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "wabaguard", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=child_env(**env),
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return None
    return Run(
        proc.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        time.perf_counter() - started,
    )


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    return subprocess.run(
        ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t",
         "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, check=True, capture_output=True, text=True, env=env,
    ).stdout  # fmt: skip


def many_step_workflow(steps: int) -> str:
    """One job with ``steps`` steps, each putting a secret-bearing variable on argv."""
    lines = [
        "name: many",
        "on: [push]",
        "jobs:",
        "  build:",
        "    runs-on: ubuntu-latest",
        "    env:",
        "      TOKEN: ${{ secrets.API_TOKEN }}",
        "    steps:",
    ]
    for i in range(steps):
        lines.append(f"      - name: step {i}")
        lines.append(f'        run: curl -H "Authorization: Bearer $TOKEN" https://x/{i}')
    return "\n".join(lines) + "\n"
