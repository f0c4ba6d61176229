"""Long histories: memory stays flat as the history grows, and a terminal gets progress.

Repositories of thousands of commits are written with ``git fast-import`` (a second or so);
the scans run as subprocesses, whose peak RSS ``os.wait4`` reports exactly.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from history_repos import Repo

import fakes

pytestmark = pytest.mark.slow


def _long_history(path: Path, commits: int) -> Repo:
    """``commits`` commits, each rewriting one of 50 files with 20 new lines; the same five
    secrets are added early on, so what grows is the history, not what is found."""
    repo = Repo(path)
    keys = [fakes.aws_access_key_id(seed=1550 + i) for i in range(5)]
    chunks: list[bytes] = []
    for n in range(1, commits + 1):
        lines = [f"value_{n}_{i} = {n * i}  # commit {n}\n" for i in range(20)]
        if n <= len(keys):
            lines.append(f'KEY = "{keys[n - 1]}"\n')
        content = "".join(lines).encode()
        message = f"commit {n}\n".encode()
        chunks.append(
            b"commit refs/heads/main\n"
            + f"committer A <a@example.invalid> {1700000000 + n} +0000\n".encode()
            + b"data %d\n" % len(message) + message
            + f"M 100644 inline f{n % 50}.py\n".encode()
            + b"data %d\n" % len(content) + content + b"\n"
        )  # fmt: skip
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=b"".join(chunks), check=True)
    return repo


def _run(repo: Path) -> tuple[dict[str, object], float]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "wabaguard", "history", "--no-progress", "-f", "json", "-o",
         str(repo / ".." / f"{repo.name}.json"), str(repo)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 1
    doc = json.loads((repo / ".." / f"{repo.name}.json").read_text())
    return doc, usage.ru_maxrss / 1024  # KiB -> MiB on Linux


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units differ elsewhere")
def test_memory_stays_flat_as_history_grows(tmp_path: Path) -> None:
    small = _long_history(tmp_path / "small", 500)
    large = _long_history(tmp_path / "large", 4000)
    small_doc, small_rss = _run(small.path)
    large_doc, large_rss = _run(large.path)
    small_stats, large_stats = small_doc["stats"], large_doc["stats"]
    assert isinstance(small_stats, dict) and isinstance(large_stats, dict)
    # Eight times the history was read and scanned ...
    assert large_stats["files_scanned"] == 8 * small_stats["files_scanned"] == 4000
    assert large_stats["bytes_scanned"] > 7.5 * small_stats["bytes_scanned"]
    # ... with the same findings and, generously, the same memory.
    assert len(large_doc["findings"]) == len(small_doc["findings"]) == 5  # type: ignore[arg-type]
    assert large_rss < 1.3 * small_rss, (small_rss, large_rss)


def test_progress_on_a_terminal_only(tmp_path: Path) -> None:
    repo = _long_history(tmp_path / "repo", 6000)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    command = [sys.executable, "-m", "wabaguard", "history", "-f", "json", str(repo.path)]
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=terminal, env=env)
    os.close(terminal)
    shown = b""
    while True:
        try:
            data = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not data:
            break
        shown += data
    proc.wait()
    os.close(controller)
    assert b"/6000 commits, " in shown and b"/s, " in shown and b"s left" in shown, shown
    piped = subprocess.run(command, capture_output=True, env=env, check=False)
    assert piped.stderr.decode().splitlines() == [
        "wabaguard history: 6000 commit(s), 6000 file change(s), 5 distinct secret(s)"
    ]
