"""Shared helpers for the workflow-analysis unit tests."""

from __future__ import annotations

import textwrap

from wabaguard.core.config import Config
from wabaguard.workflows import WorkflowFinding, analyze


def scan(
    text: str, path: str = ".github/workflows/ci.yml", config: Config | None = None
) -> list[WorkflowFinding]:
    return list(analyze(path, textwrap.dedent(text), config or Config()))


def hits(
    text: str, path: str = ".github/workflows/ci.yml", config: Config | None = None
) -> set[tuple[int, str]]:
    """(line, rule) pairs, the granularity the fixtures and users care about."""
    return {(f.line, f.rule.id) for f in scan(text, path, config)}


def step(run: str, env: str = "TOKEN: ${{ secrets.API_TOKEN }}", shell: str = "") -> str:
    """A one-job workflow whose single step runs ``run`` (one line per script line).

    Line 10 is the first script line.
    """
    shell_line = f"        shell: {shell}\n" if shell else "        shell: bash\n"
    body = "".join(f"          {line}\n" for line in run.splitlines())
    return (
        "on: push\n"  # 1
        "jobs:\n"  # 2
        "  j:\n"  # 3
        "    runs-on: ubuntu-latest\n"  # 4
        "    steps:\n"  # 5
        "      - env:\n"  # 6
        f"          {env}\n"  # 7
        f"{shell_line}"  # 8
        "        run: |\n"  # 9
        f"{body}"  # 10…
    )
