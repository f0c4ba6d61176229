"""The log is read as a stream: each file change is handed on before git's output is read
further, so what is held at a time does not grow with the history."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.sources.git_history.log import Commit, FileChange, parse_log


def _endless_log(read: list[int]) -> Iterator[bytes]:
    n = 0
    while True:
        n += 1
        for line in (
            b"\0" + (b"%040x" % n) + b"\0\0" + b"2024-01-01T00:00:00+00:00\0A\0a@x\n",
            b"\n",
            b"diff --git a/f.py b/f.py\n",
            b"--- a/f.py\n",
            b"+++ b/f.py\n",
            b"@@ -1 +1 @@\n",
            b"-old\n",
            b"+new %d\n" % n,
        ):
            read[0] += 1
            yield line


def test_changes_come_out_before_the_log_ends() -> None:
    read = [0]
    events = parse_log(_endless_log(read), lambda path: False, limit=1 << 20)
    changes = []
    for event in events:
        if isinstance(event, FileChange):
            changes.append(event)
            if len(changes) == 1000:
                break
        else:
            assert isinstance(event, Commit)
    # 1000 changes out after reading 1000 commits' lines and at most one line beyond.
    assert read[0] <= 1000 * 8 + 1
    assert changes[-1].hunks == [(1, ["new 1000"])]
    assert changes[0].removed == []  # removed lines are kept only when asked for


def test_removed_lines_are_kept_for_paths_that_held_a_secret() -> None:
    read = [0]
    events = parse_log(_endless_log(read), lambda path: path == "f.py", limit=1 << 20)
    change = next(e for e in events if isinstance(e, FileChange))
    assert change.removed == ["old"]
    assert (change.path, change.old_path) == ("f.py", "f.py")
