"""Hostile files and trees: every file is scanned, or listed in errors/skipped with a reason.

Table-driven: each case builds a tree holding one AWS key (detect-secrets' plugin finds it
in any encoding we decode), and says whether that key must be found, and which skip reason or
error message the file gets. Files that change between discovery and reading are simulated by
wrapping ``discover`` (the tests run as root, where ``chmod 000`` does not stop a read).
"""

from __future__ import annotations

import codecs
import errno
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hostile_util import git

import fakes

KEY = fakes.aws_access_key_id(seed=501)
LINE = f'AWS_KEY = "{KEY}"\n'


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], None]
    found: tuple[str, ...] = ()  # paths (as reported) where the key must be found
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason substring)
    errors: tuple[tuple[str, str], ...] = ()  # (path, message substring)
    args: tuple[str, ...] = ()


def _write(rel: str, data: bytes) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    return build


def _all(*builders: Callable[[Path], None]) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        for b in builders:
            b(root)

    return build


def _symlink(rel: str, target: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        os.symlink(target.replace("@ROOT@", str(root)), root / rel)

    return build


def _fifo(rel: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        os.mkfifo(root / rel)

    return build


def _outside(root: Path) -> None:
    (root.parent / "outside").mkdir(exist_ok=True)
    (root.parent / "outside" / "secret.py").write_text(LINE)


U8 = LINE.encode()
CASES: dict[str, Case] = {
    "plain": Case(_write("a.py", U8), found=("a.py",)),
    "invalid-utf8": Case(
        _write("a.py", b"# \xff\xfe\n" + U8),
        found=("a.py",),
        errors=(("a.py", "invalid UTF-8 at byte 2"),),
    ),
    "latin-1-on-the-secret-line": Case(
        _write("a.py", U8.rstrip() + b"  # caf\xe9\n"), found=("a.py",), errors=(("a.py", "UTF-8"),)
    ),
    "mixed-utf8-and-latin1": Case(
        _write("a.py", "# café\n".encode() + b"# caf\xe9\n" + U8),
        found=("a.py",),
        errors=(("a.py", "invalid UTF-8"),),
    ),
    "utf8-bom": Case(_write("a.py", codecs.BOM_UTF8 + U8), found=("a.py",)),
    "utf16-le-bom": Case(_write("a.env", LINE.encode("utf-16")), found=("a.env",)),
    "utf16-be-bom": Case(
        _write("a.env", codecs.BOM_UTF16_BE + LINE.encode("utf-16-be")), found=("a.env",)
    ),
    "utf16-le-no-bom": Case(_write("a.env", LINE.encode("utf-16-le")), found=("a.env",)),
    "utf16-be-no-bom": Case(_write("a.env", LINE.encode("utf-16-be")), found=("a.env",)),
    "utf32-bom": Case(_write("a.env", LINE.encode("utf-32")), found=("a.env",)),
    "binary-with-text-extension": Case(
        _write("a.py", b"\x00\x01\x02\x03" + U8), skipped=(("a.py", "binary file"),)
    ),
    "nul-after-the-sniff-window": Case(
        _write("a.py", b"#" * 9000 + b"\n\x00\n" + U8), found=("a.py",)
    ),
    "zero-length": Case(_write("empty.py", b"")),
    "only-newlines": Case(_write("n.py", b"\n" * 1000)),
    "crlf": Case(_write("a.py", U8.replace(b"\n", b"\r\n")), found=("a.py",)),
    "too-large": Case(
        _write("big.py", U8 + b"#" * 5000),
        skipped=(("big.py", "larger than the 1000-byte limit"),),
        args=("--max-file-size", "1000"),
    ),
    "directory-named-like-a-file": Case(_write("x.py/inner.txt", U8), found=("x.py/inner.txt",)),
    "path-with-spaces": Case(_write("dir with space/a b.py", U8), found=("dir with space/a b.py",)),
    "path-with-newline": Case(_write("new\nline.py", U8), found=("new\\nline.py",)),
    "path-with-tab-and-escape": Case(_write("t\tx\x1b.py", U8), found=("t\\tx\\x1b.py",)),
    "non-ascii-path": Case(_write("café/日本.py", U8), found=("café/日本.py",)),
    "undecodable-path-bytes": Case(
        lambda root: (root / os.fsdecode(b"bad\xff.py")).write_bytes(U8),
        found=("bad\\xff.py",),
    ),
    "leading-dash-path": Case(_write("-rf.py", U8), found=("-rf.py",)),
    "case-collision": Case(
        _all(_write("Key.py", U8), _write("key.py", U8), _write("KEY.PY", U8)),
        found=("KEY.PY", "Key.py", "key.py"),
    ),
    "hard-link": Case(
        _all(_write("a.py", U8), lambda root: os.link(root / "a.py", root / "b.py")),
        found=("a.py",),
        skipped=(("b.py", "same file as a.py"),),
    ),
    "symlink-loop": Case(
        _all(_symlink("l1", "l2"), _symlink("l2", "l1")),
        skipped=(("l1", "symbolic link loop"), ("l2", "symbolic link loop")),
    ),
    "self-symlink": Case(_symlink("me", "me"), skipped=(("me", "symbolic link loop"),)),
    "broken-symlink": Case(_symlink("gone.py", "nowhere.py"), skipped=(("gone.py", "broken"),)),
    "symlink-out-of-tree": Case(
        _all(_outside, _symlink("link.py", "@ROOT@/../outside/secret.py")),
        skipped=(("link.py", "symbolic link pointing outside the scanned tree"),),
    ),
    "symlink-to-etc": Case(
        _symlink("passwd.txt", "/etc/passwd"),
        skipped=(("passwd.txt", "outside the scanned tree"),),
    ),
    "symlinked-directory-out-of-tree": Case(
        _all(_outside, _symlink("vendor", "@ROOT@/../outside")),
        skipped=(("vendor", "outside the scanned tree"),),
    ),
    "symlinked-directory-loop": Case(
        _all(_write("d/a.py", U8), _symlink("d/up", "..")),
        found=("d/a.py",),
        skipped=(("d/up", "symbolic link to a directory"),),
    ),
    "symlink-inside-tree": Case(
        _all(_write("real.py", U8), _symlink("alias.py", "real.py")), found=("alias.py",)
    ),
    "fifo": Case(_fifo("pipe.py"), skipped=(("pipe.py", "named pipe"),)),
    "symlink-to-dev-zero": Case(
        _symlink("zero.py", "/dev/zero"), skipped=(("zero.py", "outside the scanned tree"),)
    ),
    # A hostile .gitignore is neither obeyed nor a reason to stop (nor to block, nor to read
    # outside the tree); it is itself listed like any other file.
    "gitignore-is-a-fifo": Case(
        _all(_fifo(".gitignore"), _write("a.py", U8)),
        found=("a.py",),
        skipped=((".gitignore", "named pipe"),),
    ),
    "gitignore-links-out": Case(
        _all(_symlink(".gitignore", "/etc/passwd"), _write("a.py", U8)),
        found=("a.py",),
        skipped=((".gitignore", "outside the scanned tree"),),
    ),
    "gitignore-binary-garbage": Case(
        _all(_write(".gitignore", bytes(range(256)) * 40), _write("a.py", U8)),
        found=("a.py",),
        skipped=((".gitignore", "binary file"),),
    ),
}


def _check(doc: dict[str, Any], case: Case) -> None:
    found = sorted({f["path"] for f in doc["findings"] if f["rule"] == "aws-access-key"})
    assert found == sorted(case.found), doc
    skipped = {(s["path"], s["reason"]) for s in doc["skipped"]}
    for path, reason in case.skipped:
        assert any(p == path and reason in r for p, r in skipped), (path, reason, skipped)
    assert len(doc["skipped"]) == len(case.skipped), doc["skipped"]
    errors = {(e["path"], e["message"]) for e in doc["errors"]}
    for path, message in case.errors:
        assert any(p == path and message in m for p, m in errors), (path, message, errors)
    assert len(doc["errors"]) == len(case.errors), doc["errors"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_outside_git(run_cli: Any, tmp_path: Path, name: str) -> None:
    root = tmp_path / "root"
    root.mkdir()
    case = CASES[name]
    case.build(root)
    result = run_cli("scan", "--format", "json", *case.args, ".", cwd=root)
    assert result.code == (1 if case.found else 0), result.err
    assert "Traceback" not in result.err
    _check(result.json(), case)


GIT_CASES = (
    "plain", "path-with-newline", "path-with-tab-and-escape", "non-ascii-path",
    "undecodable-path-bytes", "path-with-spaces", "case-collision", "symlink-out-of-tree",
    "symlink-loop", "symlinked-directory-out-of-tree", "binary-with-text-extension",
    "utf16-le-bom", "leading-dash-path", "directory-named-like-a-file",
)  # fmt: skip


@pytest.mark.parametrize("name", GIT_CASES)
def test_in_git(run_cli: Any, tmp_path: Path, name: str) -> None:
    """The same, listed by ``git ls-files -z`` (names are never quoted), tracked files."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    case = CASES[name]
    case.build(root)
    git(root, "add", "-A")
    result = run_cli("scan", "--format", "json", *case.args, ".", cwd=root)
    assert result.code == (1 if case.found else 0), result.err
    _check(result.json(), case)


def test_tracked_file_deleted_from_worktree(run_cli: Any, git_repo: Path) -> None:
    (git_repo / "gone.py").write_text(LINE)
    (git_repo / "kept.py").write_text(LINE)
    git(git_repo, "add", "-A")
    (git_repo / "gone.py").unlink()
    doc = run_cli("scan", "--format", "json", cwd=git_repo).json()
    assert [s["path"] for s in doc["skipped"]] == ["gone.py"]
    assert "no such file" in doc["skipped"][0]["reason"]
    assert [f["path"] for f in doc["findings"]] == ["kept.py"]


def test_git_submodule_like_directory_is_listed(run_cli: Any, git_repo: Path) -> None:
    sub = git_repo / "sub"
    sub.mkdir()
    git(sub, "init", "-q")
    (sub / "x.txt").write_text("x\n")
    git(sub, "add", "-A")
    git(sub, "commit", "-qm", "x")
    git(git_repo, "add", "sub")  # a gitlink: git lists "sub" itself
    doc = run_cli("scan", "--format", "json", cwd=git_repo).json()
    assert {"path": "sub", "reason": "directory, not a file (a git submodule?)"} in doc["skipped"]


# -- files that change between discovery and reading --------------------------------------


def _after_discovery(monkeypatch: pytest.MonkeyPatch, change: Callable[[], None]) -> None:
    import wabaguard.scan as scan

    real = scan.discover

    def discover_then_change(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        change()
        return result

    monkeypatch.setattr(scan, "discover", discover_then_change)


@pytest.mark.parametrize(
    ("change", "skip_reason", "error_message"),
    [
        ("delete", "deleted since it was listed", None),
        ("fifo", "not a regular file", None),
        ("directory", "not a regular file", None),
        ("symlink-out", "resolves outside the scanned tree", None),
        ("truncate", None, None),
        ("grow-past-limit", "larger than the 2000-byte limit", None),
    ],
)
def test_file_changes_mid_scan(
    run_cli: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: str,
    skip_reason: str | None,
    error_message: str | None,
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    victim = root / "victim.py"
    victim.write_text(LINE)
    (root / "other.py").write_text(LINE)
    _outside(root)

    def apply() -> None:
        if change == "delete":
            victim.unlink()
        elif change == "fifo":
            victim.unlink()
            os.mkfifo(victim)  # opening it blocking would hang the scan forever
        elif change == "directory":
            victim.unlink()
            victim.mkdir()
        elif change == "symlink-out":
            victim.unlink()
            victim.symlink_to(root.parent / "outside" / "secret.py")
        elif change == "truncate":
            victim.write_bytes(b"")
        elif change == "grow-past-limit":
            victim.write_text(LINE + "#" * 5000)

    _after_discovery(monkeypatch, apply)
    result = run_cli("scan", "--format", "json", "--max-file-size", "2000", ".", cwd=root)
    doc = result.json()
    assert "Traceback" not in result.err
    # The rest of the scan goes on.
    assert "other.py" in {f["path"] for f in doc["findings"]}
    assert result.code == 1
    skipped = {s["path"]: s["reason"] for s in doc["skipped"]}
    if skip_reason is None:
        assert "victim.py" not in skipped
    else:
        assert skip_reason in skipped["victim.py"], skipped
    assert "victim.py" not in {f["path"] for f in doc["findings"]}
    assert not [e for e in doc["errors"] if e["path"] == "victim.py"] or error_message


def test_permission_lost_mid_scan(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EACCES on open, simulated (root reads a chmod-000 file anyway): a file found by
    walking is skipped, listed by name and counted; the scan goes on."""
    import wabaguard.scan as scan

    (tmp_path / "locked.py").write_text(LINE)
    (tmp_path / "other.py").write_text(LINE)
    real_open = os.open

    def deny(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("locked.py"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(scan.os, "open", deny)
    result = run_cli("scan", "--format", "json", ".", cwd=tmp_path)
    doc = result.json()
    assert result.code == 1
    assert {"path": "locked.py", "reason": "cannot read: Permission denied"} in doc["skipped"]
    assert doc["errors"] == []
    assert [f["path"] for f in doc["findings"]] == ["other.py"]
    text = run_cli("scan", ".", cwd=tmp_path).out
    assert "locked.py: skipped: cannot read: Permission denied\n" in text
    assert "(1 skipped, 0 errors)" in text


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod-000 files; simulated above")
def test_permission_really_denied(run_cli: Any, tmp_path: Path) -> None:  # pragma: no cover
    locked = tmp_path / "locked.py"
    locked.write_text(LINE)
    locked.chmod(0)
    try:
        doc = run_cli("scan", "--format", "json", ".", cwd=tmp_path).json()
    finally:
        locked.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert {"path": "locked.py", "reason": "cannot read: Permission denied"} in doc["skipped"]


def _die_on_f07(candidate: Any) -> Any:
    """A worker function (module level, so the pool can pickle it) that dies on one file."""
    import wabaguard.scan as scan

    if candidate.relpath == "f07.py":
        os._exit(9)
    assert scan._WORKER is not None
    engine, config = scan._WORKER
    return scan.scan_file(engine, candidate, config)


def test_a_crashed_worker_is_reported_not_hung(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-scan (native crash, OOM killer): its files become errors."""
    import wabaguard.scan as scan
    from wabaguard.config import Config

    for i in range(40):
        (tmp_path / f"f{i:02}.py").write_text(LINE)
    monkeypatch.setattr(scan, "_work", _die_on_f07)
    result = scan.run_scan(["."], Config(), cwd=str(tmp_path), jobs=2)
    not_scanned = {e.path for e in result.errors if "worker process died" in e.message}
    assert "f07.py" in not_scanned
    reported = {f.path for f in result.findings} | not_scanned
    assert reported == {f"f{i:02}.py" for i in range(40)}


def test_exit_codes_under_errors_and_skips(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / "bin.py").write_bytes(b"\0" + U8)
    (tmp_path / "bad.py").write_bytes(b"\xff\n")
    os.symlink("loop", tmp_path / "loop")
    result = run_cli("scan", "--format", "json", cwd=tmp_path)
    assert result.code == 0  # errors and skips alone are not findings
    (tmp_path / "key.py").write_text(LINE)
    assert run_cli("scan", cwd=tmp_path).code == 1
    assert run_cli("scan", "--max-file-size", "0", cwd=tmp_path).code == 2


def test_scanning_dev_and_proc_paths_explicitly_never_blocks(run_cli: Any, tmp_path: Path) -> None:
    """Named explicitly (as pre-commit would pass names): devices and pipes are skipped."""
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    result = run_cli("scan", "--format", "json", "p", "/dev/zero", "/dev/stdin", cwd=tmp_path)
    doc = result.json()
    reasons = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert reasons["p"].startswith("not a regular file")
    assert reasons["/dev/zero"].startswith("not a regular file")
    assert result.code == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_listing_with_a_thousand_odd_names(run_cli: Any, git_repo: Path) -> None:
    for i in range(200):
        for name in (f"sp {i}.txt", f"nl\n{i}.txt", f'q"{i}".txt', f"é{i}.txt", f"*{i}?.txt"):
            (git_repo / name).write_text("x\n")
    doc = run_cli("scan", "--format", "json", cwd=git_repo).json()
    assert doc["stats"]["files_scanned"] == 1000
    assert doc["errors"] == [] and doc["skipped"] == []
